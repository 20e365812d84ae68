import { it } from "vitest";
import { postgresBackend } from "./backends.js";
import { recordingHandlers } from "./job-recorder.js";
it("timing", async () => {
  for (let i = 0; i < 3; i++) {
    let t = Date.now();
    const lap = (what: string) => { console.log(what, Date.now() - t); t = Date.now(); };
    const ctx = await postgresBackend.open(); lap("open");
    const store = await ctx.openMigratedStore(); lap("migrate");
    const runner = await ctx.startRunner(store, recordingHandlers().handlers); lap("start");
    await runner.stop(); lap("stop");
    await ctx.dispose(); lap("dispose");
  }
});
