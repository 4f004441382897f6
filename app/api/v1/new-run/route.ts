// POST /api/v1/new-run/ (with or without the slash): the old portal's contract.
// The body is the config; its `pipeline` key names the pipeline, `project` the run.
import { apiRoute } from "@/server/http/api-route";
import { handleSubmission } from "@/server/http/submission";

export const POST = apiRoute((call) => handleSubmission(call, "legacy"));
