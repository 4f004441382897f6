import { defineConfig } from "drizzle-kit";

// Used only by drizzle-kit (generate/check). The app applies migrations itself at start.
export default defineConfig({
  dialect: "mysql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/runport" },
});
