/** The account part of the HTTP contract (API tokens, password). */
import { z } from "zod";
import { END_STATUSES, ZNotifyStatuses } from "../notify-statuses";
import { zDateTime, zList } from "./common";

/** active: usable; expired: past expiresAt; revoked: revoked by its owner (never usable again). */
export const ZApiTokenStatus = z.enum(["active", "expired", "revoked"]);
export type ApiTokenStatus = z.infer<typeof ZApiTokenStatus>;

/** A token as GET /api/v1/tokens lists it: never the token itself nor its hash. */
export const ZApiTokenView = z.object({
  id: z.number().int(),
  name: z.string().meta({ examples: ["cluster scripts"] }),
  prefix: z
    .string()
    .meta({ description: "The token's first characters (`rp_` + 6)", examples: ["rp_x7Kq2b"] }),
  createdAt: zDateTime(),
  lastUsedAt: zDateTime().nullable().meta({ description: "Updated at most every five minutes" }),
  expiresAt: zDateTime().nullable(),
  revokedAt: zDateTime().nullable(),
  status: ZApiTokenStatus,
  scope: z
    .enum(["events:write"])
    .nullable()
    .meta({ description: "`events:write`: may only post events; null: all the user may do" }),
});
export type ApiTokenView = z.infer<typeof ZApiTokenView>;

export const ZApiTokenList = zList(ZApiTokenView);
export type ApiTokenList = z.infer<typeof ZApiTokenList>;

/** The answer of POST /api/v1/tokens: the only time `token` is shown. */
export const ZCreatedApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  token: z.string().meta({
    description: "The token: shown only in this answer",
    examples: ["rp_x7Kq2bY0cVtq1mZ8n3dE5fGhJkLpQrStUvWxYz01234"],
  }),
  prefix: z.string().meta({ examples: ["rp_x7Kq2b"] }),
  createdAt: zDateTime(),
  expiresAt: zDateTime().nullable(),
  scope: z.enum(["events:write"]).nullable(),
});
export type CreatedApiToken = z.infer<typeof ZCreatedApiToken>;

/** GET and PATCH /api/v1/account/notifications: which of your run ends are mailed to you. */
export const ZNotificationSettings = z.object({
  email: z.string().nullable().meta({ description: "Where your mail goes (null: none is mailed)" }),
  emailStatuses: z
    .array(z.enum(END_STATUSES))
    .nullable()
    .meta({ description: "Your choice of run ends; null: each pipeline's default" }),
  defaultStatuses: z
    .array(z.enum(END_STATUSES))
    .meta({ description: "What pipelines without their own choice mail" }),
  enabled: z
    .boolean()
    .meta({ description: "False when the server has no SMTP_URL: no mail at all" }),
});
export type NotificationSettings = z.infer<typeof ZNotificationSettings>;

export const ZUpdateNotificationSettingsRequest = z.strictObject({
  email: z.email("must be an e-mail address").max(255).nullable().optional(),
  emailStatuses: ZNotifyStatuses.nullable().optional().meta({
    description: "The run ends to mail you about ([] for none); null: each pipeline's default",
  }),
});
export type TUpdateNotificationSettingsRequest = z.infer<typeof ZUpdateNotificationSettingsRequest>;
