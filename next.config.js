// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The old portal's clients POST to /api/v1/new-run/ and do not follow redirects.
  skipTrailingSlashRedirect: true,
  // Server-only libraries with native parts or dynamic requires stay out of the bundle.
  serverExternalPackages: ["bullmq", "ioredis", "mysql2", "@node-rs/argon2", "pino", "drizzle-orm"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
