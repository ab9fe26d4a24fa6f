#!/bin/sh
# Serve the app with a production-grade server (gunicorn) plus the background-job worker and the
# scheduler, all on the embedded database: no other service needed. Ctrl-C stops all three.
# Quiet by default: warnings and errors only. VERBOSE=1 adds one line per request and per job.
set -eu
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
BIN=$(dirname "$PY")

if [ "${VERBOSE:-0}" = 1 ]; then
    ACCESS_LOG=-
    DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-INFO}
    SCHEDULER_OUT=/dev/stdout
else
    ACCESS_LOG=/dev/null
    DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-WARNING}
    SCHEDULER_OUT=/dev/null  # "enqueued <job>" lines; its errors go to stderr
fi
export DJANGO_LOG_LEVEL

# The shared cache's table (rate limits across workers); a no-op when it exists or the cache is Redis.
"$PY" manage.py createcachetable
"$PY" manage.py db_worker --queue-name default --interval 1 --no-reload &
WORKER=$!
"$PY" manage.py scheduler >"$SCHEDULER_OUT" &
SCHEDULER=$!
trap 'kill $WORKER $SCHEDULER 2>/dev/null; exit 0' INT TERM EXIT

echo "营商平台已启动: http://$HOST:$PORT/  (Ctrl-C 停止)"
"$BIN/gunicorn" config.wsgi:application --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-3}" \
    --access-logfile "$ACCESS_LOG" --error-logfile - --log-level "$(echo "$DJANGO_LOG_LEVEL" | tr 'A-Z' 'a-z')"
