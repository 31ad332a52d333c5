# FleetHub: one image for every role (ROLE=api | worker | all), on an external PostgreSQL
# (DATABASE_URL) and Redis (REDIS_URL). The embedded PostgreSQL of `npm start` is for development
# and does not run in this image.

# Build: every dependency, then dist/: the compiled server and the dashboard's front end (dist/web,
# built from web/ with the development dependencies, which the run stage does without).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY web ./web
RUN npm run build

# Run: production dependencies and dist/ only, as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
