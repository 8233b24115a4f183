# Ronda: API, broker, device listeners and the dashboard in one image.
FROM node:22-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w web
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
EXPOSE 3000 1883 5023 5027 5027/udp 5013 5055
CMD ["node", "--max-semi-space-size=32", "--import", "tsx", "server/main.ts"]
