# One image for every process: web (gunicorn), worker and beat (celery), migrate.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.lock ./
RUN pip install --requirement requirements.lock

COPY --chown=app:app . .

# Static files are built into the image and served by WhiteNoise. The key only
# lets settings load for this one command (production settings refuse to start
# without one); it is random, thrown away, and never used to sign anything.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown -R app:app /app/var /app/staticfiles

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--timeout", "60", \
     "--access-logfile", "-"]
