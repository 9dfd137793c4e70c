#!/bin/sh
# Container start: apply migrations, then serve with gunicorn. Never loads demo content.
# Settings refuse to start without SECRET_KEY (or with a bad value) in one line on stderr.
set -eu

cd "$(dirname "$0")/.."

python manage.py migrate --noinput

exec gunicorn config.wsgi \
    --bind "0.0.0.0:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --access-logfile -
