// Beat process: schedules, reconciling MySQL with Redis, lost-worker detection,
// retention. Run one or more; exactly one is active at a time.
import { runProcess } from "./run-process";
import { startBeat } from "./start-beat";

runProcess("beat", (ctx) => {
  const beat = startBeat(ctx);
  ctx.log.info({ instanceId: beat.instanceId }, "beat started");
  return beat;
});
