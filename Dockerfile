# Production image: gunicorn serves the site, whitenoise the static files.
# Run with at least SECRET_KEY and ALLOWED_HOSTS set (docs/configuration.md); mount a volume at
# /app/data for the SQLite database (or set DATABASE_URL) and one at /app/media for uploads.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext provides msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Both commands run without SECRET_KEY (config/settings.py allows these build steps).
RUN DJANGO_DEBUG=0 python manage.py collectstatic --noinput \
    && DJANGO_DEBUG=0 python manage.py compilemessages \
    && useradd --system --uid 1000 --home-dir /app app \
    && mkdir -p data media \
    && chown app:app data media

USER app
VOLUME ["/app/data", "/app/media"]
EXPOSE 8000
ENTRYPOINT ["/app/config/docker-entrypoint.sh"]
