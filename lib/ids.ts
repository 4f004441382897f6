/**
 * Run ids: 26 lowercase Crockford base32 characters, 48 bits of milliseconds then
 * 80 random bits (a ULID), so ids sort by submission time and cannot be guessed.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
export const RUN_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function newRunId(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const random = new Uint8Array(16);
  crypto.getRandomValues(random);
  let rest = "";
  for (const byte of random) rest += ALPHABET.charAt(byte % 32);
  return time + rest;
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}
