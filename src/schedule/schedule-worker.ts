import { isMainThread, parentPort } from "node:worker_threads";
import { createScheduleComputer, type ComputeRequest } from "./compute-schedule.js";

/**
 * Entry point of the schedule worker thread (see compute-client.ts): parses feeds and computes
 * final schedules for the main thread, one request at a time, keeping its parse cache warm.
 */
if (!isMainThread && parentPort) {
  const port = parentPort;
  const compute = createScheduleComputer();
  port.on("message", (msg: { id: number; req: ComputeRequest }) => {
    try {
      port.postMessage({ id: msg.id, ok: true, result: compute(msg.req) });
    } catch (error) {
      port.postMessage({ id: msg.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  });
  port.postMessage({ ready: true });
}
