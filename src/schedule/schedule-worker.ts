import { isMainThread, parentPort } from "node:worker_threads";
import { createScheduleComputer, type ComputeRequest } from "./compute-schedule.js";
import { packedTransferList } from "./shift-table.js";

/**
 * Entry point of the schedule worker thread (see compute-client.ts): parses feeds and computes
 * final schedules for the main thread, one request at a time, keeping its parse cache warm.
 */
if (!isMainThread && parentPort) {
  const port = parentPort;
  const compute = createScheduleComputer();
  port.on("message", (msg: { id: number; req: ComputeRequest }) => {
    try {
      const result = compute(msg.req);
      // The shifts travel as transferred buffers: nothing to copy or rebuild on the main thread.
      port.postMessage({ id: msg.id, ok: true, result }, packedTransferList(result.shifts));
    } catch (error) {
      port.postMessage({ id: msg.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  });
  port.postMessage({ ready: true });
}
