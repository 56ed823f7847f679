#!/bin/sh
# The entrypoint of the container, and of `make smoke`: bring the database schema and the
# collected static files up to date, then run the given command (gunicorn by default).
#   DJANGO_LOAD_DEMO=1  also loads the demo data (a demonstration or the smoke test only).
set -eu
cd "$(dirname "$0")/.."
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
if [ "${DJANGO_LOAD_DEMO:-0}" = "1" ]; then
  python manage.py seed_demo
fi
exec "$@"
