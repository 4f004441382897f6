/** A MySQL duplicate key error (ER_DUP_ENTRY), raw or wrapped by drizzle (`cause`). */
export function isDuplicateKey(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return (error as { code?: string }).code === "ER_DUP_ENTRY" || cause?.code === "ER_DUP_ENTRY";
}
