# Article extraction worker. Build: docker build -t article-worker .
# Two stages: the build stage installs the package into a virtualenv, the final
# stage copies only that virtualenv (no sources, no build tooling).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
# README.md* : pyproject.toml names a readme; copy it when it exists.
COPY pyproject.toml README.md* ./
COPY worker ./worker
RUN /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 worker \
    && useradd --system --uid 10001 --gid worker --create-home --shell /usr/sbin/nologin worker
COPY --from=build /opt/venv /opt/venv
WORKDIR /home/worker
USER 10001:10001
ENTRYPOINT ["python", "-m", "worker"]
CMD ["run"]
