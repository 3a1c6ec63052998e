// Imported first by server/index.ts: loads .env files (same rules as `next dev`/`next start`)
// before any other module reads process.env (pino level, MEDIASOUP_WORKER_BIN, config).
import { loadEnvConfig } from "@next/env";

loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
