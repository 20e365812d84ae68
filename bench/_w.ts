import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { round } from "./bench-env.js";
if (isMainThread) {
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const w = new Worker(boot, { eval: true });
  w.on("message", (m) => { console.log("got", m); void w.terminate(); });
  w.on("error", (e) => console.log("err", e));
} else {
  const x: number = round(3.14159);
  parentPort?.postMessage(x);
}
