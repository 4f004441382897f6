import type { ResultSetHeader } from "mysql2";
import type { RunTransaction, Statement } from "@/db/client";

interface Pending {
  statements: Statement[];
  resolve: (results: ResultSetHeader[]) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 50;

/**
 * Group commit for submissions. While one transaction is on its way to MySQL, the
 * submissions that arrive meanwhile wait and then go together as the next transaction
 * (one round trip, one commit). There is no timer: on an idle server a submission is
 * sent at once. If a batch fails (a duplicate Idempotency-Key, say), each of its
 * submissions is retried alone, so one bad submission never fails the others; but not
 * after a late answer (the outcome is unknown: every submission fails with it).
 * One per process: ctx.groupCommit.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private busy = false;

  constructor(private readonly runTransaction: RunTransaction) {}

  /** Runs the statements in a transaction, possibly shared with other submissions. */
  run(statements: Statement[]): Promise<ResultSetHeader[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      await this.commit(batch);
    }
    this.busy = false;
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const results = (await this.runTransaction(
        batch.flatMap((p) => p.statements),
      )) as ResultSetHeader[];
      let at = 0;
      for (const pending of batch) {
        pending.resolve(results.slice(at, at + pending.statements.length));
        at += pending.statements.length;
      }
    } catch (error) {
      // A late answer (the statement budget) may follow a COMMIT that ran: retrying alone
      // would wait the budget again and meet the batch's own rows. Each submission looks
      // its run up instead (createRun).
      if (
        batch.length === 1 ||
        (error as { code?: unknown }).code === "PROTOCOL_SEQUENCE_TIMEOUT"
      ) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      await Promise.all(
        batch.map((p) =>
          this.runTransaction(p.statements).then(
            (r) => p.resolve(r as ResultSetHeader[]),
            p.reject,
          ),
        ),
      );
    }
  }
}
