import { AUDIT_TARGET_PATTERN, type AuditTargetType } from "@/lib/contract/audit";

/** Where a page of the audit log ends: the (at, id) of its last event, newest first. */
export interface AuditCursor {
  at: Date;
  id: number;
}

export const encodeAuditCursor = (cursor: AuditCursor): string =>
  Buffer.from(`${cursor.at.getTime()}.${cursor.id}`).toString("base64url");

/** The cursor, or null when the text is not one this server made. */
export function decodeAuditCursor(text: string): AuditCursor | null {
  const match = /^(\d{1,15})\.(\d{1,16})$/.exec(Buffer.from(text, "base64url").toString("utf8"));
  if (!match) return null;
  const at = Number(match[1]);
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id) || id <= 0 || at > 8.64e15) return null;
  return { at: new Date(at), id };
}

/** `user:alice` → both; `alice` → the id of any type; null when it is neither. */
export function parseAuditTarget(text: string): { type?: AuditTargetType; id: string } | null {
  const match = AUDIT_TARGET_PATTERN.exec(text);
  if (!match) return null;
  const type = match[1] as AuditTargetType | undefined;
  return type ? { type, id: match[2]! } : { id: match[2]! };
}
