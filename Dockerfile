# Production image (docs/self-hosting.md). The build stage installs the locked requirements into
# a virtualenv and prepares static files and message catalogues; the final stage gets only those,
# no compiler, no gettext. It runs config/docker-entrypoint.sh, the script `make serve` and the
# tests run: migrations (one container at a time), then gunicorn with gevent workers.
# Needs SECRET_KEY and ALLOWED_HOSTS; on SQLite the first start is `docker run ... IMAGE init`.

FROM python:3.13-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# gettext provides msgfmt for compilemessages; Debian's security updates decide its version.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r requirements.txt

COPY . .
# Both run without SECRET_KEY (config/settings.py allows these build steps).
RUN DJANGO_DEBUG=0 python manage.py collectstatic --noinput --verbosity 0 \
    && DJANGO_DEBUG=0 python manage.py compilemessages --verbosity 0 \
    && rm -rf data


FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATA_DIR=/app/data \
    MEDIA_ROOT=/app/data/media \
    PORT=8000

COPY --from=build /opt/venv /opt/venv
# The code stays root's: the app user can write its data folder and nothing else.
COPY --from=build /app /app
WORKDIR /app
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --no-create-home --home-dir /app app \
    && mkdir -p /app/data/media \
    && chown -R app:app /app/data

USER 1000:1000
# One volume holds everything to keep: the SQLite database (unless DATABASE_URL points to
# PostgreSQL) and the uploaded media.
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
ENTRYPOINT ["/app/config/docker-entrypoint.sh"]
