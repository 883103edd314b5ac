# The Sluice worker and CLI: `sluice worker` by default, any other command as arguments.
# With a registry:
#   docker build --build-arg VERSION=0.1.0 --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t sluice:0.1.0 .
# Offline (Sluice's tests): NODE_IMAGE / RUNTIME_IMAGE point at locally imported images, see
# src/activities/build/node-base-images.ts and docs/cli.md.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG RUNTIME_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /opt/sluice
# Dependencies first: this layer stays cached until the lockfile changes.
COPY package.json package-lock.json ./
# No install scripts: the package works without them (docs/cli.md), and without them nothing
# native is compiled and nothing is fetched.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npm run build
# TypeScript, ESLint and the test tools were needed only to compile.
RUN npm prune --omit=dev
# Temporal's core bridge ships its native library for five platforms (~28 MB each). Keep the one
# it loads here (its own getPrebuiltPath), which takes about 110 MB off the image.
RUN node -e "const bridge = require('@temporalio/core-bridge/common.js'), fs = require('fs'), path = require('path'); \
      const keep = path.dirname(bridge.getPrebuiltPath()), releases = path.dirname(keep); \
      for (const d of fs.readdirSync(releases)) if (path.join(releases, d) !== keep) fs.rmSync(path.join(releases, d), { recursive: true });"

FROM ${RUNTIME_IMAGE}
# A pulled node image lacks what the worker runs besides node (git for versions, haproxy for
# the HAProxy router, tini); the local base has all of it, so only what is missing is installed.
RUN command -v haproxy >/dev/null && command -v git >/dev/null && command -v tini >/dev/null \
    || (apt-get update && apt-get install -y --no-install-recommends haproxy git tini ca-certificates \
        && rm -rf /var/lib/apt/lists/*)
WORKDIR /opt/sluice
COPY --from=build /opt/sluice/package.json ./
COPY --from=build /opt/sluice/node_modules ./node_modules
COPY bin ./bin
COPY deploy ./deploy
COPY --from=build /opt/sluice/dist/src ./dist/src
# Numeric, so it holds on bases without this user in /etc/passwd (65532 = distroless "nonroot").
# Everything above stays root's: the worker cannot change its own code.
USER 65532:65532
# tini forwards SIGTERM to node, so `docker stop` drains the worker (running activities finish,
# then it exits 0) instead of killing it when the timeout ends. -s makes it the reaper of the
# detached HAProxy processes also when it is not PID 1 (`--pid host`).
ENTRYPOINT ["tini", "-s", "--", "node", "/opt/sluice/bin/sluice.js"]
CMD ["worker"]
# Last, so a new version or build time changes only the image's metadata.
ARG VERSION=0.0.0-dev
ARG COMMIT=unknown
ARG CREATED=1970-01-01T00:00:00Z
LABEL org.opencontainers.image.title="sluice" \
      org.opencontainers.image.description="Sluice worker and CLI: continuous deployment on Temporal" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${CREATED}"
