# syntax=docker/dockerfile:1
# The mlwatch demo workload (demo/): the simulated ML and LLM service, its
# load generator, the GPU fleet and Kubernetes exporter, and the one-shot
# backfill, all from one image: `node /opt/mlwatch-demo/demo.mjs <command>`.
# docker-compose.yaml builds it; see docs/demo.md.

# The same first steps as the frontend stage of the Grafana image's
# Dockerfile, so that BuildKit reuses its npm ci layer.
FROM node:22-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY demo ./demo
RUN node demo/build.mjs

# promtool for the backfill (create-blocks-from openmetrics), from the
# Prometheus release the stack runs.
FROM prom/prometheus:v3.5.0 AS prometheus

FROM node:22-bookworm-slim
COPY --from=prometheus /bin/promtool /usr/local/bin/promtool
COPY --from=build /src/build/demo /opt/mlwatch-demo
# Mount points of the shared volumes, owned by the user Prometheus runs as
# (nobody), so that the backfill (which runs as that user) writes blocks
# Prometheus can open, and an empty named volume takes this ownership.
RUN mkdir -p /prometheus /state && chown 65534:65534 /prometheus /state
USER 65534:65534
ENTRYPOINT ["node", "/opt/mlwatch-demo/demo.mjs"]
CMD ["help"]
