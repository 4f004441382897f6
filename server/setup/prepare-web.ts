import { withoutStatementBudget } from "@/db/client";
import { getAppContext } from "../http/app-context";
import { prepare } from "./prepare";

/**
 * The web's start-up preparation. If MySQL is not reachable yet, the server starts
 * anyway (health says "down") and keeps trying every five seconds in the background.
 */
export async function prepareWeb(): Promise<void> {
  const ctx = getAppContext();
  const attempt = async (): Promise<void> => {
    try {
      // Migrations may take as long as they need (no request budget).
      await withoutStatementBudget(() => prepare(ctx));
    } catch (error) {
      ctx.log.error({ err: error }, "could not prepare the database; retrying in 5 s");
      setTimeout(() => void attempt(), 5000).unref();
    }
  };
  await attempt();
}
