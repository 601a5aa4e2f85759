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
# glibc malloc: two arenas instead of one per busy thread, and a fixed mmap threshold so large
# blocks (scrypt's 16 MB, WASM compile buffers) go back to the system when freed instead of staying
# in an arena. Measured with the embedded database: RSS after start-up 331 -> 275 MB, peak under
# load with the other embedded tunings 394 -> 332 MB (bench/RESULTS.md, "Embedded memory").
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
# node_modules/malloc-tuning links here (with the compiled addon in build/Release).
COPY --from=build /app/native ./native
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/web/dist ./web/dist
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server/dist/main.js"]
