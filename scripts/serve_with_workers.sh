#!/usr/bin/env bash
# `make run` with REDIS_URL set: the development server, a Celery worker and beat; Ctrl-C stops all three.
set -u
bin="${VENV:-.venv}/bin"
pids=()
stop() {
  trap - EXIT INT TERM
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}
trap stop EXIT INT TERM
# The worker yields the CPU to the web server (README, "Deploying").
nice -n 10 "$bin/celery" -A mentorship worker --loglevel=INFO &
pids+=($!)
"$bin/celery" -A mentorship beat --loglevel=INFO &
pids+=($!)
"$bin/python" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}" &
pids+=($!)
wait -n "${pids[@]}"
