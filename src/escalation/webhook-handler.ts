import { alertGroupJson } from "../alerts/alert-group-json.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Store } from "../store/store.js";
import type { JobContext } from "../jobs/job-queue.js";

/**
 * Job `escalation.webhook`: POSTs the alert group as JSON to the step's URL.
 * A non-2xx answer or a timeout throws, so the job runner retries (the step's
 * `retries`); the outcome — success or final failure — is logged on the group.
 */
export function makeEscalationWebhookHandler(store: Store, publicUrl: string, now: () => number = Date.now) {
  return async (payload: Record<string, unknown>, ctx: JobContext): Promise<void> => {
    const groupId = String(payload.groupId);
    const url = String(payload.url);
    const step = Number(payload.step);
    const group = await store.read.groups.get(groupId);
    if (!group) return;
    const body = {
      event: "escalation_step",
      step: step + 1,
      alert_group: alertGroupJson(group),
      calpage_url: publicUrl,
    };
    const host = new URL(url).host;
    const note = (kind: string, text: string) =>
      store.transaction(async (tx) => {
        await tx.log.add(group.id, now(), kind, text);
        await requestSlackSync(tx, group.id, now());
      });
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "calpage" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(Number(payload.timeoutSeconds ?? 10) * 1000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await note("webhook", `Step ${step + 1}: webhook ${host} answered ${res.status}.`);
    } catch (error) {
      const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : (error as Error).message;
      if (ctx.attempt >= ctx.maxAttempts) {
        await note("warning", `Step ${step + 1}: webhook ${host} failed after ${ctx.attempt} attempt${ctx.attempt === 1 ? "" : "s"} (${reason}).`);
        return;
      }
      throw new Error(`webhook ${host}: ${reason}`);
    }
  };
}
