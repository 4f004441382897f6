import type { Metadata } from "next";
import { canSubmit } from "@/lib/roles";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { listPipelines } from "@/server/pipelines/list-pipelines";
import { listSchedules } from "@/server/schedules/list-schedules";
import { SchedulesClient } from "./schedules-client";

export const metadata: Metadata = { title: "Schedules" };

/** Cron schedules: the list (toggle, delete) and a form to create one; the client calls the API. */
export default async function SchedulesPage() {
  const principal = await requirePagePrincipal("/schedules");
  const app = getAppContext();
  const [{ items }, pipelines] = await Promise.all([
    listSchedules(app, { principal }),
    listPipelines(app),
  ]);
  return (
    <SchedulesClient
      initial={items}
      viewer={{ username: principal.username, role: principal.role }}
      mayCreate={canSubmit(principal.role)}
      pipelines={pipelines.map((p) => ({
        name: p.name,
        latest: p.latest,
        versions: p.versions.map((v) => v.version),
      }))}
      beatIntervalSeconds={app.config.beatIntervalSeconds}
    />
  );
}
