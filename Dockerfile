# One image for the three Plecak services; docker-compose.yml chooses the module each runs
# (python -m plecak.issuer | wallet | verifier). Settings come from the environment (see README.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The font the wallet draws its credential PDFs in (DejaVu Sans, with Polish letters).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && rm -rf src build

# The byte-exact JSON-LD contexts every service loads offline.
COPY contexts ./contexts

RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent plecak \
    && mkdir -p /data \
    && chown plecak:plecak /data \
    && chmod 700 /data

ENV PLECAK_CONTEXTS_DIR=/app/contexts \
    PLECAK_DATA_DIR=/data \
    PLECAK_HOST=0.0.0.0

USER plecak
EXPOSE 8001 8002 8003
CMD ["python", "-m", "plecak.issuer"]
