// @ts-check

/**
 * Everything the portal loads is its own (Monaco, its workers, fonts): a page may fetch,
 * run or show nothing from elsewhere, nor be framed. Next.js writes inline scripts (the
 * page's data) and Monaco inline styles, hence 'unsafe-inline' for those two; the editor's
 * worker checks configs with the server's ajv validator, which compiles each schema to a
 * function (new Function), hence 'unsafe-eval'. Production builds only (`next dev` differs).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/**
 * HSTS for a year, on answers that reach the browser over TLS: always when PUBLIC_URL is
 * https, else when the TLS proxy in front says so (X-Forwarded-Proto https). A browser
 * ignores this header on a plain-http answer (RFC 6797 8.1), so a client that forges
 * X-Forwarded-Proto without a proxy gains nothing; no includeSubDomains: other hosts of the
 * domain are not ours to decide.
 */
const HSTS = { key: "Strict-Transport-Security", value: "max-age=31536000" };
const PUBLIC_URL_IS_HTTPS = (process.env.PUBLIC_URL ?? "").startsWith("https://");

/** An output's inline view (images, HTML reports), relative to the root. */
const RAW_OUTPUT_PATH = "api/v1/runs/[^/]+/outputs/[^/]+/raw";

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
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
          ...(PUBLIC_URL_IS_HTTPS ? [HSTS] : []),
        ],
      },
      {
        // Every path but an output's inline view (GET .../outputs/{id}/raw), which the run
        // page frames and which sets its own stricter, sandboxing policy: Next.js keeps a
        // header set here over the same header of a route's answer.
        source: `/:path((?!${RAW_OUTPUT_PATH}$).*)`,
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          ...(process.env.NODE_ENV === "production"
            ? [{ key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY }]
            : []),
        ],
      },
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https(\\s*,.*)?" }],
        headers: [HSTS],
      },
    ];
  },
};

module.exports = nextConfig;
