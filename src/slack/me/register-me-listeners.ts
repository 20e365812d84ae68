import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { ModalView } from "@slack/types";
import { parseCoverShiftValue, type CoverShiftOption } from "../schedule/cover-blocks.js";
import { ACTION_HOME_REQUEST_COVER, type HomeExtras } from "./home-sections.js";
import type { UserSettingsService } from "../../paging/settings/user-settings-service.js";
import type { IdentifyMe } from "./identify-me.js";
import type { SettingsAudit } from "./me-command.js";
import {
  ACTION_ME_CHANGE_PHONE,
  ACTION_ME_EDIT_RULES,
  ACTION_ME_ENTER_CODE,
  ME_INPUT_ACTION,
  ME_INPUTS,
  VIEW_ME_PHONE,
  VIEW_ME_RULES,
  VIEW_ME_VERIFY,
  homeView,
  phoneModal,
  rulesModal,
  verifyModal,
  type OnCallLine,
} from "./me-blocks.js";
import { codeSentText, NOT_A_USER_TEXT } from "./me-summary.js";
import { ackViewWithin, lateProblem, type ViewAnswer } from "../listeners/answer-within.js";

export interface MeListenerDeps {
  settings: UserSettingsService;
  identify: IdentifyMe;
  /** Who is on call now in each schedule, for the top of the Home tab. */
  onCallNow: () => OnCallLine[];
  now: () => number;
  log: (line: string) => void;
  audit: SettingsAudit;
  /** A calpage user's next shifts and the open groups that paged them, for the Home tab; absent = not shown. */
  homeExtras?: (email: string) => Promise<HomeExtras>;
  /** The cover modal with `chosen` (one of the person's turns) picked; null when it is not one of their turns any more. */
  coverModal?: (email: string, chosen: CoverShiftOption) => Promise<ModalView | null>;
}

/** Modal errors are plain text under one input; Slack cuts long ones, so keep the first lines. */
const inline = (errors: readonly string[]) =>
  errors
    .slice(0, 3)
    .map((e) => e.replace(/`/g, ""))
    .join("\n")
    .slice(0, 1000);

/**
 * The Home tab (the only `app_home_opened` listener) and its buttons and modals: edit the
 * ladders, change the phone number, type back the code. Listeners ack, call the settings
 * service, and render with the pure builders of me-blocks.ts.
 */
export function registerMeListeners(app: App, deps: MeListenerDeps): { refreshHome(client: App["client"], userId: string): Promise<void> } {
  const { settings, identify, onCallNow, now, log, audit } = deps;

  async function publishHome(client: App["client"], userId: string, email: string | null): Promise<void> {
    const me = email ? await settings.get(email) : null;
    // Shifts and groups are extras: when they cannot be read, the rest of the Home tab still shows.
    const extras = email && deps.homeExtras ? await deps.homeExtras(email).catch((e: unknown) => (log(`me: could not read the Home tab's shifts and groups for ${email}: ${e instanceof Error ? e.message : String(e)}`), null)) : null;
    await client.views.publish({ user_id: userId, view: homeView(onCallNow(), me, now(), extras) });
  }
  const republish = (client: App["client"], userId: string, email: string) =>
    publishHome(client, userId, email).catch((e: unknown) => log(`me: could not update the Home tab of ${userId}: ${e instanceof Error ? e.message : String(e)}`));

  app.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    await publishHome(client, event.user, await identify(client, event.user));
  });

  /** A Home tab button: the clicker must be a calpage user; else the Home tab says so (it has no channel to answer in). */
  const onButton = (actionId: string, open: (email: string) => Promise<Parameters<App["client"]["views"]["open"]>[0]["view"] | null>) =>
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, client }) => {
      await ack();
      const email = await identify(client, body.user.id);
      if (email === null) return void (await publishHome(client, body.user.id, null));
      const view = await open(email);
      if (view) await client.views.open({ trigger_id: body.trigger_id, view });
    });

  onButton(ACTION_ME_EDIT_RULES, async (email) => rulesModal(await settings.get(email)));
  onButton(ACTION_ME_CHANGE_PHONE, async (email) => phoneModal(await settings.get(email)));
  onButton(ACTION_ME_ENTER_CODE, async (email) => {
    const me = await settings.get(email);
    return me.pending ? verifyModal(me.pending.phone) : phoneModal(me);
  });

  // "Request cover" on one of your shifts: the cover modal of `/oncall cover`, that shift picked; its submission goes through the cover rules.
  app.action<BlockAction<ButtonAction>>(ACTION_HOME_REQUEST_COVER, async ({ ack, body, action, client }) => {
    await ack();
    const email = await identify(client, body.user.id);
    if (email === null) return void (await publishHome(client, body.user.id, null));
    const chosen = parseCoverShiftValue(action.value);
    const view = chosen && deps.coverModal ? await deps.coverModal(email, chosen) : null;
    if (view) {
      await client.views.open({ trigger_id: body.trigger_id, view }).catch((e: unknown) => log(`me: could not open the cover form for ${email}: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    // The shift is over or no longer yours: show the Home tab as it is now.
    else await republish(client, body.user.id, email);
  });

  const valueOf = (view: { state: { values: Record<string, Record<string, { value?: string | null }>> } }, block: string) =>
    view.state.values[block]?.[ME_INPUT_ACTION]?.value ?? "";

  /** Late answers (Slack or Twilio too slow for the form) reach the person as a DM. */
  const tellLate = async (client: App["client"], userId: string, what: string, answer: ViewAnswer | { failed: string }) => {
    const why = lateProblem(answer);
    if (why) await client.chat.postMessage({ channel: userId, text: `${what}: ${why}` }).catch((e: unknown) => log(`me: could not DM ${userId}: ${e instanceof Error ? e.message : String(e)}`));
  };

  app.view(VIEW_ME_RULES, async ({ ack, body, view, client }) => {
    let saved: string | null = null;
    await ackViewWithin(
      ack,
      async () => {
        const email = await identify(client, body.user.id);
        if (email === null) return { response_action: "errors", errors: { [ME_INPUTS.default]: inline([NOT_A_USER_TEXT]) } };
        const r = await settings.setRules(email, { default: valueOf(view, ME_INPUTS.default), important: valueOf(view, ME_INPUTS.important) });
        await audit(body.user.id, "slack_form", "settings: rules", r.ok ? null : "invalid rules");
        if (!r.ok) {
          const errors: Record<string, string> = {};
          if (r.errors.default) errors[ME_INPUTS.default] = inline(r.errors.default);
          if (r.errors.important) errors[ME_INPUTS.important] = inline(r.errors.important);
          return { response_action: "errors", errors };
        }
        saved = email;
        return undefined;
      },
      (answer) => tellLate(client, body.user.id, "Your notification rules were not saved", answer),
    );
    if (saved) await republish(client, body.user.id, saved);
  });

  app.view(VIEW_ME_PHONE, async ({ ack, body, view, client }) => {
    let changed: string | null = null;
    let pendingPhone = "";
    await ackViewWithin(
      ack,
      async () => {
        const email = await identify(client, body.user.id);
        if (email === null) return { response_action: "errors", errors: { [ME_INPUTS.phone]: inline([NOT_A_USER_TEXT]) } };
        // Sending waits for Twilio's answer (usually well under Slack's 3 s), so a failure shows under the input.
        const r = await settings.requestPhoneChange(email, valueOf(view, ME_INPUTS.phone));
        await audit(body.user.id, "slack_form", "settings: new phone number", r.ok ? null : r.message);
        if (!r.ok) return { response_action: "errors", errors: { [ME_INPUTS.phone]: inline([r.message]) } };
        changed = email;
        pendingPhone = r.phone;
        return { response_action: "update", view: verifyModal(r.phone) };
      },
      async (answer) => {
        if (answer && "response_action" in answer && answer.response_action === "update") {
          await client.chat.postMessage({ channel: body.user.id, text: codeSentText(pendingPhone) }).catch((e: unknown) => log(`me: could not DM ${body.user.id}: ${e instanceof Error ? e.message : String(e)}`));
        } else await tellLate(client, body.user.id, "Your phone number was not changed", answer);
      },
    );
    if (changed) await republish(client, body.user.id, changed);
  });

  app.view(VIEW_ME_VERIFY, async ({ ack, body, view, client }) => {
    let refresh: string | null = null;
    await ackViewWithin(
      ack,
      async () => {
        const email = await identify(client, body.user.id);
        if (email === null) return { response_action: "errors", errors: { [ME_INPUTS.code]: inline([NOT_A_USER_TEXT]) } };
        const r = await settings.verify(email, valueOf(view, ME_INPUTS.code));
        await audit(body.user.id, "slack_form", "settings: verify phone number", r.ok ? null : r.message);
        // A dropped or expired number is gone: the Home tab must stop showing it.
        if (r.ok || r.reason === "dropped" || r.reason === "expired") refresh = email;
        return r.ok ? undefined : { response_action: "errors", errors: { [ME_INPUTS.code]: inline([r.message]) } };
      },
      (answer) => tellLate(client, body.user.id, "Your phone number was not verified", answer),
    );
    if (refresh) await republish(client, body.user.id, refresh);
  });

  return {
    /** The Home tab again, for a clicker who is a calpage user (an alert button clicked there). */
    async refreshHome(client, userId) {
      const email = await identify(client, userId).catch(() => null);
      if (email) await republish(client, userId, email);
    },
  };
}
