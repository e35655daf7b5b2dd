# Mapa in a container: Debian 12 like the Makefile path, gunicorn in front.
# Build: docker compose build    Run: docker compose up
# The same image runs the web server (CMD below) and the background worker
# (compose.yaml's worker service: `python manage.py worker`).

FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MAPA_STATIC_ROOT=/app/var/static \
    MAPA_MEDIA_ROOT=/app/var/media
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3.11 python3.11-venv gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data \
        binutils gettext postgresql-client-15 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app mapa
WORKDIR /app
COPY requirements-prod.lock ./
RUN python3.11 -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements-prod.lock
COPY --chown=mapa . .
COPY --from=frontend --chown=mapa /src/frontend/dist frontend/dist
RUN for po in mapa/locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done \
    && MAPA_ENV=production ALLOWED_HOSTS=build DATABASE_URL=postgis://build/build EMAIL_HOST=build \
       MAPA_SMS_BACKEND=disabled \
       SECRET_KEY="build-only-$(head -c 48 /dev/urandom | base64)" \
       /venv/bin/python manage.py collectstatic --no-input -v 0 \
    && mkdir -p var/media && chown -R mapa var
USER mapa
ENV PATH=/venv/bin:$PATH
EXPOSE 8000
# Liveness (docs/operations.md): the process answers. compose.yaml asks readiness instead
# for the web service and runs `manage.py health` for the worker.
HEALTHCHECK --interval=30s --timeout=6s --start-period=120s --retries=3 \
    CMD ["python", "scripts/healthcheck.py", "live"]
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "mapa.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
