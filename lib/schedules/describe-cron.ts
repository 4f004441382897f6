/**
 * A five-field cron expression in words ("at 09:00 on Monday to Friday"), for lists
 * and forms. It knows the common shapes; anything else gives null and the page shows
 * the expression alone.
 */

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

type Field =
  | { kind: "any" }
  | { kind: "step"; every: number }
  | { kind: "values"; items: (number | [number, number])[] };

function numberOf(token: string, names: readonly string[], offset: number): number | null {
  if (/^\d+$/.test(token)) return Number(token);
  const index = names.findIndex((n) => n.slice(0, 3).toLowerCase() === token.toLowerCase());
  return index === -1 ? null : index + offset;
}

function parseField(
  text: string,
  [min, max]: [number, number],
  names: readonly string[] = [],
  offset = 0,
): Field | null {
  if (text === "*" || text === "?") return { kind: "any" };
  const step = /^\*\/(\d+)$/.exec(text);
  if (step) return { kind: "step", every: Number(step[1]) };
  const items: (number | [number, number])[] = [];
  for (const part of text.split(",")) {
    const [from, to, extra] = part.split("-");
    if (extra !== undefined || from === undefined) return null;
    const a = numberOf(from, names, offset);
    const b = to === undefined ? a : numberOf(to, names, offset);
    if (a === null || b === null || a < min || b > max || a > b) return null;
    items.push(a === b ? a : [a, b]);
  }
  return { kind: "values", items };
}

function list(words: string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function named(field: Field, name: (n: number) => string): string {
  if (field.kind !== "values") return "";
  return list(
    field.items.map((i) => (Array.isArray(i) ? `${name(i[0])} to ${name(i[1])}` : name(i))),
  );
}

const pad = (n: number) => String(n).padStart(2, "0");
const singles = (f: Field): number[] | null =>
  f.kind === "values" && f.items.every((i) => !Array.isArray(i)) ? (f.items as number[]) : null;

function describeTime(minute: Field, hour: Field): string | null {
  const minutes = singles(minute);
  const hours = singles(hour);
  if (minute.kind === "any" && hour.kind === "any") return "every minute";
  if (minute.kind === "step" && hour.kind === "any") return `every ${minute.every} minutes`;
  if (minutes?.length === 1 && hour.kind === "any") return `every hour at minute ${minutes[0]}`;
  if (minutes?.length === 1 && hour.kind === "step")
    return `every ${hour.every} hours at minute ${minutes[0]}`;
  if (minutes && hours && minutes.length * hours.length <= 6) {
    const times = hours.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}`));
    return `at ${list(times)}`;
  }
  if ((minute.kind === "step" || minute.kind === "any") && hour.kind === "values") {
    const every = minute.kind === "step" ? `every ${minute.every} minutes` : "every minute";
    return `${every} during hour ${named(hour, pad)}`;
  }
  return null;
}

/** The expression in words, or null when it is not one of the shapes described. */
export function describeCron(expression: string): string | null {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const minute = parseField(parts[0]!, [0, 59]);
  const hour = parseField(parts[1]!, [0, 23]);
  const dayOfMonth = parseField(parts[2]!, [1, 31]);
  const month = parseField(parts[3]!, [1, 12], MONTHS, 1);
  const dayOfWeek = parseField(parts[4]!, [0, 7], DAYS, 0);
  if (!minute || !hour || !dayOfMonth || !month || !dayOfWeek) return null;
  const time = describeTime(minute, hour);
  if (!time || dayOfMonth.kind === "step" || dayOfWeek.kind === "step") return null;
  const days: string[] = [];
  if (dayOfMonth.kind === "values") {
    const plural = dayOfMonth.items.length > 1 || Array.isArray(dayOfMonth.items[0]);
    days.push(`on day${plural ? "s" : ""} ${named(dayOfMonth, String)} of the month`);
  }
  if (dayOfWeek.kind === "values") days.push(`on ${named(dayOfWeek, (d) => DAYS[d % 7] ?? "?")}`);
  const words = [time, days.join(" or ")];
  if (month.kind === "step") words.push(`every ${month.every} months`);
  if (month.kind === "values") words.push(`in ${named(month, (m) => MONTHS[m - 1] ?? "?")}`);
  if (days.length === 0 && month.kind === "any" && time.startsWith("at ")) words.push("every day");
  return words.filter(Boolean).join(" ");
}
