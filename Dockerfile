# The engine's image: worker, API and bootstrap run from it with different commands.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts/setup-tools.sh scripts/setup-tools.sh
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
# Dev tooling is kept: the processes run TypeScript through tsx. The postinstall's Temporal
# binaries are not needed in a container (it warns and continues); Temporal is its own service.
RUN npm ci --include=dev && npm cache clean --force
COPY . .
USER node
CMD ["npm", "run", "api"]
