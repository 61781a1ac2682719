# trader as a service: database migrations, then the scheduler (docker-compose.yml).
# The optional "lab" extra adds Dask for the experiment lab's scheduler and workers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TF_CPP_MIN_LOG_LEVEL=3 \
    TRADER_DATA_DIR=/var/lib/trader

RUN useradd --create-home --uid 1000 trader \
    && mkdir -p /var/lib/trader \
    && chown trader /var/lib/trader

WORKDIR /app
# editable install: trader finds the bundled sample and strategies/ next to the package
COPY pyproject.toml README.md ./
COPY trader ./trader
COPY strategies ./strategies
COPY data/sample ./data/sample
COPY deploy ./deploy
ARG EXTRAS=""
RUN pip install -e ".${EXTRAS:+[$EXTRAS]}"

USER trader
VOLUME ["/var/lib/trader"]
CMD ["sh", "-c", "trader db upgrade && exec trader scheduler"]
