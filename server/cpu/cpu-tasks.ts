/**
 * The tasks a CPU thread runs: the same service functions the web runs inline for small
 * inputs, with a context whose pipeline lookups go to the web process (thread-context.ts).
 */
import type { AppContext } from "../context";
import { checkRunSubmission, type CheckRunSubmissionOptions } from "../runs/check-run-submission";
import { parseSpreadsheet, type ParseSpreadsheetOptions } from "../spreadsheets/parse-spreadsheet";
import {
  prepareSpreadsheetRun,
  type PrepareSpreadsheetRunOptions,
} from "../spreadsheets/prepare-spreadsheet-run";
import { buildTemplate, type TemplateOptions } from "../spreadsheets/build-template";
import { checkConfigTextPaths } from "../pipelines/check-config-text-paths";
import { checkStoredConfig } from "../runs/check-stored-config";
import { readForm, type ReadFormOptions } from "../http/read-form";
import { collectListTargets } from "@/lib/schema/list-keyword";

type ServiceContext = Pick<AppContext, "db" | "caches" | "config">;

/** A Buffer crosses the thread boundary as a plain Uint8Array. */
function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
}

export const cpuTasks = {
  /** A spreadsheet template (exceljs: 100-300 ms of CPU each). */
  buildTemplate(_ctx: ServiceContext, input: TemplateOptions) {
    return buildTemplate(input);
  },
  checkConfigTextPaths,
  checkStoredConfig,
  /** The values a config ties to reference lists (createRun checks them against MySQL). */
  collectConfigListTargets(
    _ctx: ServiceContext,
    input: { schema: Record<string, unknown>; configText: string; limit: number },
  ) {
    return collectListTargets(input.schema, JSON.parse(input.configText) as unknown, input.limit);
  },
  readForm(_ctx: ServiceContext, input: ReadFormOptions) {
    return readForm(input);
  },
  parseSpreadsheet(ctx: ServiceContext, input: ParseSpreadsheetOptions) {
    return parseSpreadsheet(ctx, { ...input, body: asBuffer(input.body) });
  },
  prepareSpreadsheetRun(ctx: ServiceContext, input: PrepareSpreadsheetRunOptions) {
    return prepareSpreadsheetRun(ctx, { ...input, body: asBuffer(input.body) });
  },
  /**
   * `keepConfig: false` leaves the parsed config out of the answer (copying it back costs);
   * the request's own config and text (submitRun uses the checked ones) are left out always,
   * so a large config's text is copied back once, not twice.
   */
  async checkRunSubmission(
    ctx: ServiceContext,
    input: CheckRunSubmissionOptions & { keepConfig: boolean },
  ) {
    const checked = await checkRunSubmission(ctx, input);
    const { config: _config, configText: _configText, ...request } = checked.request;
    return { ...checked, request, config: input.keepConfig ? checked.config : undefined };
  },
};

export type CpuTasks = typeof cpuTasks;
export type CpuTaskName = keyof CpuTasks;
