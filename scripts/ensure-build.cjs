// `npm start` runs this first: build once if there is no production build yet.
const { existsSync } = require("node:fs");
const { execSync } = require("node:child_process");

if (
  !existsSync(".next/BUILD_ID") ||
  !existsSync("dist/worker.cjs") ||
  !existsSync("dist/beat.cjs")
) {
  console.log("No production build found: running `npm run build` first.");
  execSync("npm run build", { stdio: "inherit" });
}
