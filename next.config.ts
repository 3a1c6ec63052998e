import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native parts or worker binaries stay out of the bundle.
  serverExternalPackages: ["mediasoup", "@prisma/adapter-better-sqlite3", "better-sqlite3", "pino"],
  poweredByHeader: false,
};

export default nextConfig;
