import { CronExpressionParser, type CronExpression } from "cron-parser";
import { AppError } from "../errors";

/** The five fields of a cron expression, in order, as people name them. */
const FIELDS = [
  { name: "minute", range: "0-59" },
  { name: "hour", range: "0-23" },
  { name: "day-of-month", range: "1-31" },
  { name: "month", range: "1-12 or jan-dec" },
  { name: "day-of-week", range: "0-7 or sun-sat" },
] as const;

/** cron-parser's Jenkins-style `H` (hashed) values are not standard cron: refused. */
const HASHED = /(^|,)h/i;

function parse(expression: string, timeZone: string, currentDate?: Date): CronExpression {
  return CronExpressionParser.parse(expression, {
    tz: timeZone,
    ...(currentDate ? { currentDate } : {}),
  });
}

/** Why one field alone is not valid (with the others as `*`), or null when it is. */
function fieldProblem(index: number, value: string): string | null {
  if (HASHED.test(value)) return "H (hashed) values are not supported";
  const fields = ["*", "*", "*", "*", "*"];
  fields[index] = value;
  try {
    parse(fields.join(" "), "UTC").next();
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    return (
      message.replace(/^(Constraint|Validation) error, /, "").replace(/\.$/, "") || "not valid"
    );
  }
}

function invalid(message: string): AppError {
  return new AppError("VALIDATION_FAILED", `The cron expression is not valid: ${message}`, {
    errors: [{ path: "/cron", message }],
  });
}

/**
 * Checks a standard five-field cron expression (minute hour day-of-month month
 * day-of-week); throws 422 at `/cron` naming the field at fault. Returns it with
 * its fields separated by single spaces.
 */
export function checkCronExpression(expression: string): string {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    throw invalid(
      `must have 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}`,
    );
  }
  for (const [index, value] of fields.entries()) {
    const problem = fieldProblem(index, value);
    if (problem) {
      const field = FIELDS[index]!;
      throw invalid(
        `the ${field.name} field "${value}": ${problem} (allowed: ${field.range}, *, lists, ranges, steps)`,
      );
    }
  }
  const normalized = fields.join(" ");
  try {
    // Fields can be valid alone and impossible together (February 30th).
    parse(normalized, "UTC").next();
  } catch (error) {
    const reason = error instanceof Error ? error.message : "it never fires";
    throw invalid(`the day-of-month and month fields never match: ${reason}`);
  }
  return normalized;
}

/**
 * Checks an IANA time zone name (Europe/Paris, UTC); throws 422 at `/timeZone`.
 * Returns the canonical spelling when it differs only in case (europe/paris).
 */
export function checkTimeZone(timeZone: string): string {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    resolved = "";
  }
  // Offsets like +02:00 are accepted by some Intl versions but are no IANA zone.
  if (!resolved || /^[+-]/.test(timeZone)) {
    const message = "must be an IANA time zone name such as UTC, Europe/Paris or America/New_York";
    throw new AppError("VALIDATION_FAILED", `The time zone "${timeZone}" is not known`, {
      errors: [{ path: "/timeZone", message }],
    });
  }
  return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
}

/** The first fire strictly after `after`, in the time zone; null when there is none. */
export function nextFireAfter(cron: string, timeZone: string, after: Date): Date | null {
  try {
    const expression = parse(cron, timeZone, after);
    return expression.hasNext() ? expression.next().toDate() : null;
  } catch {
    return null;
  }
}

/** The latest fire at or before `at` (null when there is none). */
export function latestFireAtOrBefore(cron: string, timeZone: string, at: Date): Date | null {
  try {
    // prev() is strictly before its start: start one millisecond later to include `at`.
    const expression = parse(cron, timeZone, new Date(at.getTime() + 1));
    return expression.hasPrev() ? expression.prev().toDate() : null;
  } catch {
    return null;
  }
}
