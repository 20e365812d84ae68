import type { Config, NotificationRules } from "../config/config-types.js";
import type { Tx } from "../store/store.js";
import type { QuietHours } from "./quiet-hours.js";

export interface EffectiveContact {
  /** Verified phone from Slack settings, else calpage.yaml's; null = none. */
  phone: string | null;
  rules: NotificationRules;
  smsOptOut: boolean;
  /** Set with `/oncall me quiet`: normal pages skip SMS and calls during them. Null = none. */
  quiet: QuietHours | null;
}

/** How to reach a person now: their Slack-made settings over calpage.yaml, over the team-wide rules. */
export async function effectiveContact(tx: Pick<Tx, "userSettings">, config: Config, email: string): Promise<EffectiveContact> {
  const user = config.users.find((u) => u.email === email);
  const settings = await tx.userSettings.get(email);
  return {
    phone: settings?.phone ?? user?.phone ?? null,
    rules: settings?.rules ?? user?.notificationRules ?? config.notificationRules,
    smsOptOut: settings?.smsOptOut ?? false,
    quiet: settings?.quietFrom && settings.quietTo ? { from: settings.quietFrom, to: settings.quietTo } : null,
  };
}
