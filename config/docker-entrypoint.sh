#!/bin/sh
# Production start, in the container and with `make serve` (docs/self-hosting.md):
#   (no argument)  apply migrations (one process at a time), then serve with gunicorn
#   init           first start of an installation on SQLite: create the database, migrate, exit
#   anything else  run it, e.g. `python manage.py createsuperuser`
# Never loads demo content. Settings refuse to start without SECRET_KEY or ALLOWED_HOSTS (or with
# a bad value) in one line on stderr.
set -eu

cd "$(dirname "$0")/.."

case "${1:-serve}" in
    serve)
        python manage.py migrate_on_start
        exec gunicorn --config config/gunicorn.conf.py config.wsgi
        ;;
    init)
        exec python manage.py migrate_on_start --create
        ;;
    *)
        exec "$@"
        ;;
esac
