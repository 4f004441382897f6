import type { RunOutputRow } from "@/db/schema";
import type { OutputView } from "@/lib/contract/outputs";

export function toOutputView(runPublicId: string, row: Omit<RunOutputRow, "runId">): OutputView {
  return {
    id: row.id,
    attempt: row.attempt,
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    stored: row.stored,
    createdAt: row.createdAt.toISOString(),
    download: row.stored ? `/api/v1/runs/${runPublicId}/outputs/${row.id}` : null,
  };
}
