# syntax=docker/dockerfile:1
# TeamFlow API image. Build: `docker build -t teamflow .`
# Run:     docker run -p 3000:3000 -e DATABASE_URL=… -e JWT_PRIVATE_KEY=… teamflow
# Migrate: docker run --rm -e DATABASE_URL=… -e JWT_PRIVATE_KEY=… teamflow node dist/src/bootstrap/migrate.js

# ---- build: dev dependencies, compile, then drop the dev dependencies ----
# Node 24 LTS, the line package.json's `engines` names and CI runs the suite on (.ci/run).
FROM node:24-bookworm-slim AS build
WORKDIR /app
# @node-rs/argon2 ships prebuilt binaries (glibc and musl, x64 and arm64), so no compiler toolchain is needed.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code and production dependencies only, as the non-root `node` user ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
# Owned by root and read-only for the app; only the embedded data folder is the app's to write
# (used when DATABASE_URL is unset; production sets it).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# 3000: the API; 9090: ADMIN_PORT's production default (/metrics, /health/detailed, /docs).
EXPOSE 3000 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main.js handles SIGTERM itself (readiness off, drain, close), so node can be PID 1.
# The old-space cap: V8 otherwise sizes the heap from the host's memory and lets an idle-looking
# heap (45 MB live) grow to 130 MB under load; capped, peak RSS under load is ~160 MB, not ~240
# (bench/, scenario 1), well inside the pod's 512 Mi limit.
# The young generation: semi-spaces of 32 MB instead of V8's 16. A request's objects live as long
# as its round trips; with small semi-spaces a scavenge runs every few milliseconds under load and
# promotes every in-flight request's objects to the old space, where mark-compacts then collect
# them. Measured on 2 vCPUs (bench/, scenarios 1, 2, 8): GC helper threads 0.34 → 0.26 cores,
# scenario 2 +28 %, scenario 1 +15 %, scenario 8's p99 at 250 req/s 81 and 66 → 40 and 48 ms, for
# 25 MB more peak RSS (156 → 183 MB).
# Both measured on Node 20.20.2 (V8 11.3); Node 24's V8 (13.6) takes the same flags, the figures
# have not been measured again on it.
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=32", "dist/src/bootstrap/main.js"]
