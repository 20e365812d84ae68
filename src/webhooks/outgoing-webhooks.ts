import type { GroupEvent, GroupEventSink } from "../alerts/group-events.js";
import { selectRoute } from "../alerts/select-route.js";
import type { Config, IntegrationConfig, OutgoingWebhookConfig } from "../config/config-types.js";
import { newId } from "../shared/ids.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";
import { buildWebhookBody } from "./webhook-body.js";

export const WEBHOOK_DELIVER_TASK = "webhook.deliver";
/** Attempts of one delivery job that throws (the database was away while it logged); the HTTP retries are separate jobs. */
export const DELIVERY_JOB_ATTEMPTS = 3;

/** One queued delivery, as its job payload holds it: never the secret or headers (read from the config when it runs). */
export interface DeliveryPayload {
  deliveryId: string;
  groupId: string;
  event: GroupEvent["name"];
  integration: string;
  /** The route whose `outgoing_webhooks` holds the hook; null = the integration's own list. */
  route: number | null;
  url: string;
  /** 1-based attempt this job makes. */
  attempt: number;
  body: ReturnType<typeof buildWebhookBody>;
}

export const deliveryJobKey = (deliveryId: string) => `whk:${deliveryId}`;

/** A hook and where in calpage.yaml it is. */
export interface PlacedHook {
  hook: OutgoingWebhookConfig;
  route: number | null;
}

/**
 * The hooks told about a group's events (only those that want `event`, when given): the
 * integration's, then those of the route the group's labels select now (a config reload applies
 * to open groups too). A URL listed on both is told once. Hooks are picked for the event before
 * that, so a URL whose integration entry does not want the event still gets it from its route entry.
 */
export function hooksFor(integration: IntegrationConfig, labels: Readonly<Record<string, string>>, event?: GroupEvent["name"]): PlacedHook[] {
  const placed: PlacedHook[] = integration.outgoingWebhooks.map((hook) => ({ hook, route: null }));
  const { index } = selectRoute(integration, labels);
  if (index !== null) for (const hook of integration.routes[index]!.outgoingWebhooks) placed.push({ hook, route: index });
  const seen = new Set<string>();
  return placed.filter((p) => (event === undefined || p.hook.events.includes(event)) && !seen.has(p.hook.url) && seen.add(p.hook.url));
}

/** Finds a queued delivery's hook in the (possibly reloaded) configuration; null when it was removed. */
export function findHook(config: Config, integration: string, route: number | null, url: string): { hook: OutgoingWebhookConfig; integration: IntegrationConfig } | null {
  const i = config.integrations.find((x) => x.name === integration);
  if (!i) return null;
  const lists = route === null ? [i.outgoingWebhooks] : [i.routes[route]?.outgoingWebhooks ?? [], i.outgoingWebhooks, ...i.routes.map((r) => r.outgoingWebhooks)];
  for (const list of lists) {
    const hook = list.find((h) => h.url === url);
    if (hook) return { hook, integration: i };
  }
  return null;
}

/**
 * The outgoing-webhook side of group events: for each hook that wants the event, one delivery
 * job in the caller's transaction, holding the body as of the change (so a retry sends what
 * happened then) and a delivery id of its own. No hook: no query, no job.
 */
export function createOutgoingWebhooks(config: Config, opts: { publicUrl: string }): GroupEventSink {
  // Only integrations with a hook somewhere: the others cost one map lookup per event.
  const integrations = new Map(config.integrations.filter((i) => i.outgoingWebhooks.length > 0 || i.routes.some((r) => r.outgoingWebhooks.length > 0)).map((i) => [i.name, i]));
  return {
    async emit(tx: Tx, known: AlertGroupRecord, event: GroupEvent, now: number): Promise<void> {
      const integration = integrations.get(known.integration);
      if (!integration) return;
      const wanted = hooksFor(integration, known.labels, event.name);
      if (wanted.length === 0) return;
      // The group as this transaction changed it.
      const group = (await tx.groups.get(known.id)) ?? known;
      for (const { hook, route } of wanted) {
        const deliveryId = newId(16);
        const payload: DeliveryPayload = {
          deliveryId,
          groupId: group.id,
          event: event.name,
          integration: integration.name,
          route,
          url: hook.url,
          attempt: 1,
          body: buildWebhookBody(event, group, { deliveryId, occurredAt: now, publicUrl: opts.publicUrl }),
        };
        await tx.jobs.add({ task: WEBHOOK_DELIVER_TASK, payload: { ...payload }, jobKey: deliveryJobKey(deliveryId), runAt: new Date(now), maxAttempts: DELIVERY_JOB_ATTEMPTS });
      }
    },
  };
}
