import { asc, eq } from "drizzle-orm";
import { eventRules, users, type EventRuleRow } from "@/db/schema";
import type {
  EventCondition,
  EventRuleList,
  EventRuleView,
  ZCreateEventRuleRequest,
  ZUpdateEventRuleRequest,
} from "@/lib/contract/events";
import { newRunId } from "@/lib/ids";
import { canSubmit } from "@/lib/roles";
import type { z } from "zod";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { checkPipelineConfig } from "../pipelines/check-pipeline-config";
import { configPipelineField, withConflict } from "../pipelines/config-pipeline-field";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { normalizePipelineRef } from "../schedules/check-schedule";
import { filterProblems, templateSlots } from "./template";

type Ctx = Pick<AppContext, "db" | "caches" | "log" | "config">;
type RuleFields = z.output<typeof ZCreateEventRuleRequest>;

/** Installations have tens of rules: a list, not a page. */
const MAX_RULES = 1000;

const refuse = (detail: string, errors: ProblemItem[]) =>
  new AppError("VALIDATION_FAILED", detail, { errors });

function under(path: string, slots: readonly string[]): boolean {
  return slots.some((slot) => path === slot || path.startsWith(`${slot}/`));
}

/**
 * Everything a rule is checked for when it is saved (422 with pointers): the user it
 * submits as (exists, enabled, may submit), the filter's regular expressions, the
 * template's substitutions (pointers only), the pipeline, and the template against the
 * pipeline's schema. A place that holds a substitution may become any value, so only
 * problems elsewhere refuse the rule (a missing required field, a literal of the wrong
 * type, an undeclared property); the rendered config is checked again at each event.
 */
async function checkRule(
  ctx: Ctx,
  fields: RuleFields,
): Promise<{ userId: number; pipeline: string }> {
  const [user] = await ctx.db
    .select({ id: users.id, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.username, fields.submitAs));
  const problems: ProblemItem[] = [];
  if (!user) problems.push({ path: "/submitAs", message: `there is no user "${fields.submitAs}"` });
  else if (user.disabledAt) problems.push({ path: "/submitAs", message: "the user is disabled" });
  else if (!canSubmit(user.role)) {
    problems.push({ path: "/submitAs", message: `the role ${user.role} cannot submit runs` });
  }
  problems.push(...filterProblems(fields.filter).map((p) => ({ ...p, path: `/filter${p.path}` })));
  const { slots, problems: syntax } = templateSlots(fields.configTemplate);
  problems.push(...syntax.map((p) => ({ ...p, path: `/configTemplate${p.path}` })));
  if (problems.length > 0) throw refuse("The rule cannot be saved", problems);
  const pipelineRef = normalizePipelineRef(fields.pipeline);
  const pipeline = await resolvePipeline(ctx, pipelineRef);
  const field = await configPipelineField(ctx, pipeline, fields.configTemplate);
  const checked = checkPipelineConfig(ctx, pipeline, field.config);
  const schemaProblems = withConflict(field, checked.errors)
    .filter((p) => !under(p.path, slots))
    .map(({ path, message }) => ({ path: `/configTemplate${path}`, message }));
  if (schemaProblems.length > 0) {
    throw refuse(
      `The config template cannot make a config that ${pipeline.name}@${pipeline.version} accepts`,
      schemaProblems,
    );
  }
  return { userId: user!.id, pipeline: pipelineRef };
}

export function toRuleView(rule: EventRuleRow, submitAs: string): EventRuleView {
  return {
    id: rule.publicId,
    name: rule.name,
    eventType: rule.eventType,
    filter: JSON.parse(rule.filter) as EventCondition[],
    pipeline: rule.pipeline,
    configTemplate: JSON.parse(rule.configTemplate) as Record<string, unknown>,
    submitAs,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt?.toISOString() ?? null,
    links: { self: `/api/v1/event-rules/${rule.publicId}` },
  };
}

function selectRules(ctx: Pick<AppContext, "db">) {
  return ctx.db
    .select({ rule: eventRules, submitAs: users.username })
    .from(eventRules)
    .innerJoin(users, eq(users.id, eventRules.userId));
}

/** Administrators and operators read rules; only administrators change them. */
function requireReader(principal: Principal): void {
  if (principal.role !== "admin" && principal.role !== "operator") {
    throw new AppError("FORBIDDEN", "Only administrators and operators can see event rules");
  }
}

export async function listRules(
  ctx: Pick<AppContext, "db">,
  principal: Principal,
): Promise<EventRuleList> {
  requireReader(principal);
  const rows = await selectRules(ctx)
    .orderBy(asc(eventRules.eventType), asc(eventRules.name))
    .limit(MAX_RULES);
  return { items: rows.map((r) => toRuleView(r.rule, r.submitAs)) };
}

async function findRule(ctx: Pick<AppContext, "db">, publicId: string) {
  const [row] = await selectRules(ctx).where(eq(eventRules.publicId, publicId));
  if (!row) throw new AppError("NOT_FOUND", `There is no event rule "${publicId}"`);
  return row;
}

export async function getRule(
  ctx: Pick<AppContext, "db">,
  principal: Principal,
  publicId: string,
): Promise<EventRuleView> {
  requireReader(principal);
  const row = await findRule(ctx, publicId);
  return toRuleView(row.rule, row.submitAs);
}

/** POST /api/v1/event-rules (administrators): checked in full before it is stored. */
export async function createRule(
  ctx: Ctx,
  options: { principal: Principal; fields: RuleFields; ip?: string },
): Promise<EventRuleView> {
  requireAdmin(options.principal, "create event rules");
  const { fields } = options;
  const checked = await checkRule(ctx, fields);
  const now = new Date();
  const row = {
    publicId: newRunId(now.getTime()),
    name: fields.name,
    eventType: fields.eventType,
    filter: JSON.stringify(fields.filter),
    pipeline: checked.pipeline,
    configTemplate: JSON.stringify(fields.configTemplate),
    userId: checked.userId,
    enabled: fields.enabled,
    createdAt: now,
    updatedAt: null,
  };
  const [result] = await ctx.db.insert(eventRules).values(row);
  await recordAudit(ctx, {
    action: "rule.create",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "rule", id: row.publicId },
    details: {
      name: row.name,
      eventType: row.eventType,
      pipeline: row.pipeline,
      submitAs: fields.submitAs,
    },
  });
  return toRuleView({ ...row, id: result.insertId }, fields.submitAs);
}

/** PATCH /api/v1/event-rules/{id} (administrators): the rule as changed is checked in full. */
export async function updateRule(
  ctx: Ctx,
  options: {
    principal: Principal;
    publicId: string;
    changes: z.output<typeof ZUpdateEventRuleRequest>;
    ip?: string;
  },
): Promise<EventRuleView> {
  requireAdmin(options.principal, "change event rules");
  const { rule, submitAs } = await findRule(ctx, options.publicId);
  const current = toRuleView(rule, submitAs);
  const fields: RuleFields = {
    name: current.name,
    eventType: current.eventType,
    filter: current.filter,
    pipeline: current.pipeline,
    configTemplate: current.configTemplate,
    submitAs: current.submitAs,
    enabled: current.enabled,
    ...Object.fromEntries(Object.entries(options.changes).filter(([, v]) => v !== undefined)),
  };
  const checked = await checkRule(ctx, fields);
  const set = {
    name: fields.name,
    eventType: fields.eventType,
    filter: JSON.stringify(fields.filter),
    pipeline: checked.pipeline,
    configTemplate: JSON.stringify(fields.configTemplate),
    userId: checked.userId,
    enabled: fields.enabled,
    updatedAt: new Date(),
  };
  await ctx.db.update(eventRules).set(set).where(eq(eventRules.id, rule.id));
  await recordAudit(ctx, {
    action: "rule.update",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "rule", id: rule.publicId },
    details: { fields: Object.keys(options.changes) },
  });
  return toRuleView({ ...rule, ...set }, fields.submitAs);
}

/** DELETE /api/v1/event-rules/{id} (administrators): events keep their runs. */
export async function deleteRule(
  ctx: Pick<AppContext, "db" | "log">,
  options: { principal: Principal; publicId: string; ip?: string },
): Promise<void> {
  requireAdmin(options.principal, "delete event rules");
  const { rule } = await findRule(ctx, options.publicId);
  await ctx.db.delete(eventRules).where(eq(eventRules.id, rule.id));
  await recordAudit(ctx, {
    action: "rule.delete",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "rule", id: rule.publicId },
    details: { name: rule.name, eventType: rule.eventType },
  });
}
