# syntax=docker/dockerfile:1
# The production image: gunicorn, the Celery worker and beat (docker-compose.yml runs all three
# from it) against a PostgreSQL server and Redis. Built in two stages: the virtualenv is made
# from the runtime lock alone (requirements.lock, hash-checked; the development lock's test,
# lint and embedded-PostgreSQL packages never enter the image), then copied into a clean slim
# image with the code, so pip, its caches and the build stage's layers stay behind.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# pip >= 24: older releases refuse a hash-checked extra (justext asks for lxml[html_clean]).
RUN python -m venv /venv && /venv/bin/pip install --upgrade "pip>=24"
COPY requirements.lock /tmp/requirements.lock
RUN /venv/bin/pip install --require-hashes -r /tmp/requirements.lock

FROM python:3.11-slim-bookworm
# DEBUG=0: the image is production whatever starts in it (manage.py alone defaults to DEBUG on).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0 PATH=/venv/bin:$PATH
# postgresql-client: pg_dump/psql for backups and `manage.py dbshell` (README, Backup and restore).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --user-group app
COPY --from=build /venv /venv
WORKDIR /app
COPY . .
# Static files are collected into the image, so every container (web, worker, beat) has them.
# The code stays root's and read-only to the app; only var/ (beat's schedule) is its own.
RUN SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789 \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var && chown app:app /app/var
USER app
EXPOSE 8000
# Threaded workers: a long streaming export must not count as a hung sync worker.
# The web container's health: /healthz answers 200 when the app reaches PostgreSQL. The worker and
# beat override it in docker-compose.yml (they serve no HTTP).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "provenance.healthcheck"]
CMD ["gunicorn", "provenance.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
