# syntax=docker/dockerfile:1
# Builds the mlwatch plugin from source and bakes it into a Grafana image.
# `docker compose up` uses it; see docker-compose.yaml.

ARG GRAFANA_VERSION=13.1.0

FROM node:22-bookworm AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:frontend

FROM golang:1.26-bookworm AS backend
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/dist ./dist
# Only the image's own architecture: the other platforms are for the
# release archive, not for this image.
ARG TARGETARCH
RUN if [ "$TARGETARCH" = "arm64" ]; then target=build:linuxARM64; else target=build:linux; fi \
 && go run mage.go -v "$target"

FROM grafana/grafana:${GRAFANA_VERSION}
ENV GF_PATHS_PLUGINS=/opt/mlwatch/plugins
COPY --from=backend /src/dist /opt/mlwatch/plugins/mlwatch-observability-app
