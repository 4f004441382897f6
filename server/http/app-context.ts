import { createAppContext, type AppContext } from "../context";
import { loadConfig } from "../env";

const globalForApp = globalThis as unknown as { runportWebContext?: AppContext };

/** The web process's context: built on first use and kept across dev hot reloads. */
export function getAppContext(): AppContext {
  globalForApp.runportWebContext ??= createAppContext(loadConfig(), "web");
  return globalForApp.runportWebContext;
}
