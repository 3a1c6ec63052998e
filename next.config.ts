import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native parts or worker binaries stay out of the bundle.
  serverExternalPackages: ["mediasoup", "@prisma/adapter-better-sqlite3", "better-sqlite3", "pino"],
  poweredByHeader: false,
  // forbidden() from next/navigation answers a real HTTP 403 (admin pages, other hosts' meetings).
  experimental: { authInterrupts: true },
};

export default nextConfig;
