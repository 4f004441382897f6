/** Usernames: 2-64 characters, lowercase letters, digits, `.`, `_` and `-`, a letter or digit first. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/**
 * The username a sign-in names, in the one form users are stored in (NFKC, trimmed,
 * lowercased), or null when no user can have it. The database's case- and
 * accent-insensitive collation would otherwise take `"alice  "` or `"alicë"` for alice
 * while the throttle counted them as other names.
 */
export function normalizeUsername(input: string): string | null {
  const name = input.normalize("NFKC").trim().toLowerCase();
  return USERNAME_PATTERN.test(name) ? name : null;
}
