/**
 * The statement budget (db/statement-budget.ts) for the worker's and beat's own loops,
 * which reach MySQL only through services: a claim, an outcome or a beat tick bounded so
 * that a frozen or unreachable MySQL fails it in time instead of holding it for ever.
 */
export { withStatementBudget } from "@/db/client";
