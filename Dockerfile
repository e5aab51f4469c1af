# The werkmatch web service. Build and run with docker compose (see docker-compose.yml and
# docs/production.md); the app brings the database schema up to date when it starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WERKMATCH_DATA_DIR=/app/var

# libgomp1: the OpenMP runtime LightGBM's wheel links against (not in the slim image).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# torch first, pinned to the CPU build: left to pip, sentence-transformers would pull a CUDA
# build with several GB of GPU libraries this service never uses.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0

WORKDIR /app
COPY pyproject.toml README.md NOTICE ./
COPY features ./features
COPY matching ./matching
COPY models ./models
COPY service ./service
RUN pip install . \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin werkmatch \
    && mkdir -p /app/var \
    && chown werkmatch: /app/var

USER werkmatch
EXPOSE 8000
CMD ["werkmatch", "serve", "--host", "0.0.0.0"]
