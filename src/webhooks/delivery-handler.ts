import { slackMessageUrl } from "../alerts/alert-group-json.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Config } from "../config/config-types.js";
import type { JobContext } from "../jobs/job-queue.js";
import { errorText } from "../shared/error-text.js";
import type { Store } from "../store/store.js";
import { DELIVERY_JOB_ATTEMPTS, deliveryJobKey, findHook, WEBHOOK_DELIVER_TASK, type DeliveryPayload } from "./outgoing-webhooks.js";
import { verdictForStatus, webhookRetryDelayMs, type AttemptVerdict } from "./retry-schedule.js";
import { webhookHeaders } from "./sign-webhook.js";
import { webhookBodyText, type RenderWebhookBody } from "./webhook-body.js";

/** How a delivery ended (or that it will be tried again), for `calpage_outgoing_webhook_deliveries_total`. */
export type DeliveryOutcome = "delivered" | "retried" | "failed";

export interface DeliveryHandlerDeps {
  store: Store;
  /** The live configuration (a reload changes secrets, timeouts and headers of deliveries still queued). */
  config: () => Config;
  now: () => number;
  /** Waits between attempts (ms), default WEBHOOK_RETRY_DELAYS_SECONDS; the last repeats. Tests shorten them. */
  retryDelaysMs?: readonly number[];
  /** Templated bodies (see RenderWebhookBody); left out = the default JSON. */
  renderBody?: RenderWebhookBody;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** A line for the process log (each failed attempt). */
  log?: (line: string) => void;
}

/**
 * Job `webhook.deliver`: one attempt of one delivery. It signs and POSTs the body (no redirects
 * followed, the hook's timeout), then either logs the outcome on the group (its thread and
 * `calpage log`) or, for a network error, a timeout, 408, 429 or 5xx with retries left, queues the
 * next attempt after the backoff under the same job key and delivery id.
 * Logged on the group: each delivery once when it ends (delivered, or failed with the last error),
 * and its first failed attempt when it will be retried; every failed attempt goes to the process log.
 */
export function makeWebhookDeliveryHandler(deps: DeliveryHandlerDeps) {
  const { store, now } = deps;
  return async (raw: Record<string, unknown>, _ctx: JobContext): Promise<void> => {
    const p = raw as unknown as DeliveryPayload;
    const host = hostOf(p.url);
    const label = `Webhook ${host}: ${p.event}`;
    const note = (kind: string, text: string) =>
      store.transaction(async (tx) => {
        await tx.log.add(p.groupId, now(), kind, text);
        await requestSlackSync(tx, p.groupId, now());
      });
    const found = findHook(deps.config(), p.integration, p.route, p.url);
    if (!found) {
      deps.onOutcome?.("failed");
      await note("warning", `${label} not delivered: the webhook is no longer in calpage.yaml.`);
      return;
    }
    const { hook, integration } = found;
    const body = { ...p.body, alert_group: { ...p.body.alert_group } };
    if (body.alert_group.url === null) {
      // Posted to Slack since the event: link the message.
      const g = await store.read.groups.get(p.groupId);
      if (g?.slackChannelId && g.slackTs) body.alert_group.url = slackMessageUrl(g.slackChannelId, g.slackTs);
    }
    let text: string;
    try {
      text = await webhookBodyText(body, hook, integration, deps.renderBody);
    } catch (error) {
      deps.onOutcome?.("failed");
      await note("warning", `${label} not delivered: its body template failed (${errorText(error)}).`);
      return;
    }

    const attempt = await attemptOnce(hook.url, text, hook.timeoutSeconds, webhookHeaders(hook.secret, { event: p.event, deliveryId: p.deliveryId, timestampSeconds: Math.floor(now() / 1000) }, text, hook.headers));
    const attempts = `${p.attempt} attempt${p.attempt === 1 ? "" : "s"}`;
    if (attempt.verdict === "delivered") {
      deps.onOutcome?.("delivered");
      await note("webhook", `${label} delivered (${attempt.what})${p.attempt > 1 ? ` after ${attempts}` : ""}.`);
      return;
    }
    deps.log?.(`outgoing webhook ${host}: ${p.event} for group ${p.groupId}, attempt ${p.attempt} of ${hook.retries + 1}: ${attempt.what}`);
    if (attempt.verdict === "retry" && p.attempt <= hook.retries) {
      const delayMs = Math.max(webhookRetryDelayMs(p.attempt, deps.retryDelaysMs), attempt.retryAfterMs ?? 0);
      const next: DeliveryPayload = { ...p, attempt: p.attempt + 1 };
      await store.transaction(async (tx) => {
        await tx.jobs.add({ task: WEBHOOK_DELIVER_TASK, payload: { ...next }, jobKey: deliveryJobKey(p.deliveryId), runAt: new Date(now() + delayMs), maxAttempts: DELIVERY_JOB_ATTEMPTS });
        if (p.attempt === 1) {
          await tx.log.add(p.groupId, now(), "warning", `${label} failed (${attempt.what}); retrying up to ${hook.retries} time${hook.retries === 1 ? "" : "s"}.`);
          await requestSlackSync(tx, p.groupId, now());
        }
      });
      deps.onOutcome?.("retried");
      return;
    }
    deps.onOutcome?.("failed");
    if (attempt.verdict === "final") await note("warning", `${label} refused (${attempt.what}); not retried.`);
    else await note("warning", `${label} failed after ${attempts} (${attempt.what}).`);
  };
}

interface Attempt {
  verdict: AttemptVerdict;
  /** `HTTP 503`, `timed out after 10s`, `connection refused (ECONNREFUSED)`… */
  what: string;
  /** A 429's or 503's Retry-After, when given in seconds (capped at an hour). */
  retryAfterMs?: number;
}

async function attemptOnce(url: string, body: string, timeoutSeconds: number, headers: Record<string, string>): Promise<Attempt> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") return { verdict: "retry", what: `timed out after ${timeoutSeconds}s` };
    const cause = e.cause?.code ?? e.cause?.message;
    return { verdict: "retry", what: cause ? `${e.message} (${cause})` : e.message };
  }
  // The answer's body is not needed: let the connection go.
  await res.body?.cancel().catch(() => undefined);
  const verdict = verdictForStatus(res.status);
  if (res.status >= 300 && res.status < 400) return { verdict, what: `HTTP ${res.status}, a redirect; redirects are not followed` };
  const retryAfter = Number(res.headers.get("retry-after"));
  return { verdict, what: `HTTP ${res.status}`, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: Math.min(retryAfter, 3600) * 1000 } : {}) };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
