/** The users part of the HTTP contract (administrators): list, create, change, delete. */
import { z } from "zod";
import { USER_ROLES } from "../roles";
import { USERNAME_PATTERN } from "../username";
import { zDateTime, zList } from "./common";

/** The smallest password a user may be given (server/auth/passwords.ts says the same). */
const MIN_PASSWORD = 10;

export const ZUserRole = z.enum(USER_ROLES, {
  error: `must be one of ${USER_ROLES.join(", ")}`,
});

const zMaxRunningRuns = z
  .number({ error: "must be a whole number ≥ 0, or null" })
  .int("must be a whole number ≥ 0, or null")
  .min(0, "must be a whole number ≥ 0, or null")
  .max(100_000, "must be at most 100000")
  .nullable()
  .meta({
    description:
      "Runs of the user that may run at once across all workers: null follows USER_MAX_RUNNING, 0 means no limit",
  });

/** A user as the users API shows it: never the password hash. */
export const ZUserView = z.object({
  username: z.string().meta({ examples: ["alice"] }),
  email: z.string().nullable(),
  role: ZUserRole,
  disabled: z.boolean(),
  disabledAt: zDateTime().nullable(),
  maxRunningRuns: zMaxRunningRuns,
  createdAt: zDateTime(),
  lastTokenUseAt: zDateTime().nullable().meta({
    description: "The latest use of any of the user's API tokens (recorded at most every 5 min)",
  }),
});
export type UserView = z.infer<typeof ZUserView>;

export const ZUserList = zList(ZUserView);
export type UserList = z.infer<typeof ZUserList>;

/** Body of `POST /api/v1/users`. */
export const ZCreateUserRequest = z.strictObject({
  username: z
    .string({ error: "is required" })
    .regex(USERNAME_PATTERN, "must be 2-64 characters: lowercase letters, digits, . _ -"),
  role: ZUserRole.default("submitter"),
  email: z.email("must be an e-mail address").max(255).nullish(),
  password: z
    .string()
    .min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`)
    .max(1024, "must be at most 1024 characters")
    .nullish()
    .meta({ description: "Without one, a password is generated and returned once" }),
  maxRunningRuns: zMaxRunningRuns.optional(),
});
export type TCreateUserRequest = z.input<typeof ZCreateUserRequest>;

/** The answer of `POST /api/v1/users`: the user, and the generated password shown once. */
export const ZCreatedUser = z.object({
  user: ZUserView,
  password: z
    .string()
    .nullable()
    .meta({ description: "The generated password, shown only in this answer (null: given)" }),
});
export type CreatedUser = z.infer<typeof ZCreatedUser>;

/** Body of `PATCH /api/v1/users/{username}`: any of the fields. */
export const ZUpdateUserRequest = z.strictObject({
  disabled: z.boolean({ error: "must be true or false" }).optional(),
  role: ZUserRole.optional(),
  maxRunningRuns: zMaxRunningRuns.optional(),
});
export type TUpdateUserRequest = z.input<typeof ZUpdateUserRequest>;
