import { hash, verify } from "@node-rs/argon2";

// argon2id with the library's defaults (19 MiB, t=2, p=1): OWASP's minimum recommendation.
const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$Oabp3USkpEYL9M3sGVqJ1w$VU01O0ZZW6VRFeTxhh7ug+/Q980aXyEscxvzzlo/Ngg";

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Verifies a password; with no stored hash it still spends the same time (no user enumeration). */
export async function verifyPassword(
  storedHash: string | null,
  password: string,
): Promise<boolean> {
  try {
    const ok = await verify(storedHash ?? DUMMY_HASH, password);
    return storedHash !== null && ok;
  } catch {
    return false;
  }
}
