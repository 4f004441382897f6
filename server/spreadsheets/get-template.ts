import { canSubmit } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { getPipeline } from "../pipelines/get-pipeline";
import { runCpuTask } from "../cpu/run-cpu-task";
import { AppError } from "../errors";
import {
  readTemplateLists,
  templateEtag,
  templateListNames,
  templateListVersions,
} from "./template-lists";
import { TEMPLATE_FORMAT } from "./template-format";

/**
 * The spreadsheet template of one pipeline version (blank, or filled with its example),
 * with a file name like `fastq-qc-1.0.0-template.xlsx` and an ETag that changes with the
 * reference lists its dropdowns offer. `ifNoneMatch` naming that ETag: no body is built
 * (`notModified`). The lists' values go to those who may submit (as their search does).
 */
export async function getTemplate(
  ctx: Pick<AppContext, "db" | "caches" | "cpu" | "config">,
  options: {
    principal?: Principal;
    name: string;
    version?: string;
    example: boolean;
    ifNoneMatch?: string | null;
  },
): Promise<{ body: Buffer; fileName: string; etag: string; notModified: boolean }> {
  const pipeline = await getPipeline(ctx, options);
  const prefill = options.example ? pipeline.example : null;
  const { principal } = options;
  const versions =
    principal && canSubmit(principal.role)
      ? await templateListVersions(ctx, templateListNames(pipeline.schema))
      : [];
  const userId = principal?.userId ?? 0;
  const etag = templateEtag({
    format: TEMPLATE_FORMAT,
    pipeline: `${pipeline.name}@${pipeline.version}`,
    schema: pipeline.schema,
    example: prefill,
    lists: versions,
    userId,
  });
  const suffix = options.example ? "example" : "template";
  // Pipeline names and versions are validated at sync ([a-z0-9._-]), safe in a header.
  const fileName = `${pipeline.name}-${pipeline.version}-${suffix}.xlsx`;
  if (matchesEtag(options.ifNoneMatch, etag)) {
    return { body: Buffer.alloc(0), fileName, etag, notModified: true };
  }
  // exceljs holds the event loop for 100-300 ms per template: built on a CPU thread.
  const built: Uint8Array = await runCpuTask(
    ctx,
    "buildTemplate",
    {
      name: pipeline.name,
      version: pipeline.version,
      schema: pipeline.schema,
      ...(prefill !== null ? { prefill } : {}),
      lists: await readTemplateLists(ctx, versions, userId),
    },
    {
      offThread: true,
      limitError: () =>
        new AppError(
          "SERVICE_UNAVAILABLE",
          "Building the template took longer than the server allows: try again in a minute",
        ),
    },
  );
  const body = Buffer.from(built.buffer, built.byteOffset, built.byteLength);
  return { body, fileName, etag, notModified: false };
}

/** True when an If-None-Match header names `etag` (or is `*`). */
function matchesEtag(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}
