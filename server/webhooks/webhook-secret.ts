import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Webhook signing secrets. HMAC signing needs the secret itself, so it cannot be stored
 * as a hash like API tokens: it is stored encrypted (AES-256-GCM) under a key derived from
 * AUTH_SECRET, so a copy of the database alone does not reveal it. Changing AUTH_SECRET
 * makes the stored secrets unreadable: endpoints must then be created again.
 */
const PREFIX = "whsec_";

/** A new secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

function keyOf(authSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret, "", "runport webhook secrets", 32));
}

export function encryptWebhookSecret(authSecret: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(authSecret), iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString("base64url")).join(".");
}

export function decryptWebhookSecret(authSecret: string, stored: string): string {
  const [iv, tag, sealed] = stored.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !tag || !sealed) throw new Error("A stored webhook secret is malformed");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(authSecret), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8");
}
