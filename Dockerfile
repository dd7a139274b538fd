# The one application image: the four services and provisioning, all built by `tsc -b`.
# deploy/compose/docker-compose.yml runs it with a different command per container:
#   node services/<name>/dist/main.js
#   node packages/provisioning/dist/cli/provision.js all

# ---- manifests: every workspace's package.json, for both stages' npm ci
FROM node:20.20.2-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Applied by npm ci's postinstall (patch-package): patches/README.md says why each exists.
COPY patches/ patches/
COPY packages/domain/package.json packages/domain/
COPY packages/platform/package.json packages/platform/
COPY packages/db/package.json packages/db/
COPY packages/provisioning/package.json packages/provisioning/
COPY services/ingress/package.json services/ingress/
COPY services/refresher/package.json services/refresher/
COPY services/enricher/package.json services/enricher/
COPY services/sink/package.json services/sink/
COPY services/local-provider/package.json services/local-provider/
COPY tools/demo/package.json tools/demo/

# ---- build: every dependency, compile every workspace
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first, so the dependency layer is reused while only sources change.
COPY --from=manifests /app ./
RUN npm ci
COPY tsconfig.base.json tsconfig.json ./
COPY packages/ packages/
COPY services/ services/
COPY tools/ tools/
RUN npx tsc -b

# ---- runtime: production dependencies and the compiled output only
FROM node:20.20.2-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY --from=manifests /app ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/packages/domain/dist packages/domain/dist
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY --from=build /app/packages/db/dist packages/db/dist
COPY --from=build /app/packages/provisioning/dist packages/provisioning/dist
COPY --from=build /app/services/ingress/dist services/ingress/dist
COPY --from=build /app/services/refresher/dist services/refresher/dist
COPY --from=build /app/services/enricher/dist services/enricher/dist
COPY --from=build /app/services/sink/dist services/sink/dist
COPY --from=build /app/services/local-provider/dist services/local-provider/dist
COPY --from=build /app/tools/demo/dist tools/demo/dist
# Provisioning registers these; it finds them at /app/schemas from its dist/ (SCHEMAS_DIR default).
COPY schemas/ schemas/
USER node
CMD ["node", "packages/provisioning/dist/cli/provision.js", "all"]
