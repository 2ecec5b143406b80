# flatnet: one image for the bot and the workers (the command decides which).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY jobs ./jobs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY src/sim/slack/page ./dist/src/sim/slack/page
# The Lua scripts of the run's transitions and the address pool, read at start-up.
COPY src/runbook/lua ./dist/src/runbook/lua
COPY src/onboarding/lua ./dist/src/onboarding/lua
USER node
ENTRYPOINT ["node", "bin/flatnet.js"]
CMD ["bot"]
