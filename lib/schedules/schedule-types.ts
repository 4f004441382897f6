/** The shapes the schedules API returns, shared by the server and the schedules page. */
import type { RunStatus } from "../run-status";

/** What the beat does with fires it missed (beat down, schedule just re-enabled...). */
export const MISSED_POLICIES = ["skip", "run_once"] as const;
export type MissedPolicy = (typeof MISSED_POLICIES)[number];

/** A cron schedule as the API returns it. */
export interface ScheduleView {
  id: string;
  name: string;
  /** Username of the owner: the runs are submitted as this user. */
  owner: string;
  /** name@version, name@latest or name@dev, resolved at each fire. */
  pipeline: string;
  config: unknown;
  cron: string;
  /** The cron expression in words, e.g. "at 09:00 on Monday to Friday". */
  description: string;
  timeZone: string;
  enabled: boolean;
  missedPolicy: MissedPolicy;
  nextFireAt: string | null;
  lastFireAt: string | null;
  lastRun: { id: string; status: RunStatus; links: { self: string; web: string } } | null;
  /** Why the latest fire made no run (pipeline gone, config no longer valid, skipped). */
  lastError: string | null;
  createdAt: string;
  updatedAt: string | null;
  links: { self: string; runs: string };
}

export interface ScheduleList {
  items: ScheduleView[];
}
