# Gateway image: builds the server and the SPA, runs as an unprivileged user.
FROM node:22-bookworm-slim AS build
# A compiler for the optional malloc addon (native/malloc-tuning: periodic malloc_trim); without
# one npm skips it and the gateway runs without the trims.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
COPY native ./native
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
# No MALLOC_* variables: the gateway's malloc addon (built above) fixes glibc's mmap threshold and
# trims the arenas every 5 s (server/src/malloc-tuning.ts: embedded peak RSS under the benchmark's
# load ~440 -> 320-370 MB). A 128 KB threshold together with the trims cost 17 % more CPU.
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
# node_modules/malloc-tuning links here (with the compiled addon in build/Release).
COPY --from=build /app/native ./native
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/web/dist ./web/dist
# Without DATABASE_URL the embedded database and the generated master key live in DATA_DIR
# (./.data = /app/.data); /app belongs to root, so the directory is made the node user's here.
# Mount a volume on it to keep them: docker run -v gateway-data:/app/.data …
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server/dist/main.js"]
