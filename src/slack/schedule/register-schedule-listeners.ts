import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { AccessService } from "../../access/access-service.js";
import type { Config } from "../../config/config-types.js";
import type { CoverService } from "../../schedule/cover-service.js";
import type { SlackPrincipals } from "../slack-principals.js";
import { ackViewWithin, lateProblem, type ViewAnswer } from "../listeners/answer-within.js";
import { ACTION_COVER_TAKE, ACTION_COVER_WITHDRAW, COVER_INPUT_ACTION, COVER_INPUTS, coverModal, parseCoverShiftValue, VIEW_COVER } from "./cover-blocks.js";
import { ACTION_COVER_ASK } from "./shift-dm-messages.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import type { SlackPeople } from "./slack-people.js";

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A modal input's value as Slack sends it in `view.state.values`. */
interface InputValue {
  selected_option?: { value?: string } | null;
  selected_date_time?: number | null;
  value?: string | null;
}

/**
 * Cover requests in Slack: the **Take shift** / **Withdraw** buttons and the "ask for cover"
 * modal. Listeners ack at once, call the cover service, and answer the clicker privately when
 * something could not be done.
 */
export function registerScheduleListeners(
  app: App,
  deps: { config: Config; cover: CoverService; people: SlackPeople; access: AccessService; principals: SlackPrincipals; now: () => number },
): void {
  const { config, cover, people, access, principals, now } = deps;
  /** The cover rules (calpage users who are not guests); a refusal is audited and its text returned. */
  const refusal = async (userId: string, surface: "slack_button" | "slack_form", action: string, target: string): Promise<string | null> => {
    const p = await principals.forSlackUser(userId);
    const d = access.decide(p, { kind: "cover" });
    if (d.allowed) return null;
    await access.audit(p, surface, action, target, "refused", d.message, now());
    return d.message;
  };
  const audit = async (userId: string, surface: "slack_button" | "slack_form", action: string, target: string, error: string | null) =>
    access.audit(await principals.forSlackUser(userId), surface, action, target, error === null ? "done" : "failed", error, now());

  /** A cover button's request id, and a private answer to the clicker in the message's channel. */
  const clicked = (body: BlockAction<ButtonAction>, action: ButtonAction, client: App["client"]) => {
    const channel = body.channel?.id ?? body.container?.channel_id;
    const tell = async (text: string) => {
      if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
    };
    const id = action.value ?? "";
    return { id, valid: ID.test(id), tell };
  };

  app.action<BlockAction<ButtonAction>>(ACTION_COVER_TAKE, async ({ ack, body, action, client }) => {
    await ack();
    const { id, valid, tell } = clicked(body, action, client);
    if (!valid) return tell("This button does not name a cover request.");
    const refused = await refusal(body.user.id, "slack_button", "cover take", `cover request ${id}`);
    if (refused) return tell(refused);
    const me = await people.identify(body.user.id);
    if (!me.email) return tell("You are not a calpage user, so you cannot take shifts: add your Slack email to `users` in calpage.yaml.");
    const r = await cover.take(id, me.email, body.user.id);
    await audit(body.user.id, "slack_button", "cover take", `cover request ${id}`, r.ok ? null : r.reason);
    if (r.ok) return;
    switch (r.reason) {
      case "taken": {
        const who = r.request?.takenBy ? (await people.renderer([r.request.takenBy]))(r.request.takenBy) : "someone else";
        return tell(`Too late: this shift was already taken by ${who}.`);
      }
      case "own":
        return tell("This is your own request; a teammate has to take it. You can withdraw it instead.");
      case "withdrawn":
        return tell("This request was withdrawn.");
      case "expired":
        return tell("This request has expired: its time is over.");
      case "unknown":
        return tell("That cover request no longer exists.");
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTION_COVER_WITHDRAW, async ({ ack, body, action, client }) => {
    await ack();
    const { id, valid, tell } = clicked(body, action, client);
    if (!valid) return tell("This button does not name a cover request.");
    const refused = await refusal(body.user.id, "slack_button", "cover withdraw", `cover request ${id}`);
    if (refused) return tell(refused);
    const me = await people.identify(body.user.id);
    if (!me.email) return tell("Only the person who asked for cover can withdraw the request.");
    const r = await cover.withdraw(id, me.email);
    await audit(body.user.id, "slack_button", "cover withdraw", `cover request ${id}`, r.ok ? null : r.errors[0]!);
    if (!r.ok) return tell(r.errors[0]!);
  });

  // **Request cover** on a shift reminder: the same "ask for cover" modal as `/oncall cover`, that shift first.
  app.action<BlockAction<ButtonAction>>(ACTION_COVER_ASK, async ({ ack, body, action, client }) => {
    await ack();
    const tell = (text: string) => client.chat.postMessage({ channel: body.user.id, text });
    const shift = parseCoverShiftValue(action.value);
    const sc = shift ? config.schedules.find((s) => s.name === shift.schedule) : undefined;
    if (!shift || !sc) return void (await tell("This button does not name a shift of a schedule calpage knows."));
    const refused = await refusal(body.user.id, "slack_button", "cover ask", `${shift.schedule}: ${new Date(shift.start).toISOString()}`);
    if (refused) return void (await tell(refused));
    const me = await people.identify(body.user.id);
    if (!me.email) return void (await tell("You are not a calpage user, so you have no shifts to hand over: add your Slack email to `users` in calpage.yaml."));
    const turns = cover.upcomingTurns(me.email, [sc.name]);
    const i = turns.findIndex((t) => t.end === shift.end && t.start <= Math.max(shift.start, now()));
    if (i === -1) return void (await tell(`That shift in *${escapeMrkdwn(sc.name)}* is no longer yours or is over; \`/oncall cover\` lists the shifts you have.`));
    const shifts = [turns[i]!, ...turns.filter((_, j) => j !== i)];
    await client.views.open({ trigger_id: body.trigger_id, view: coverModal({ shifts, timezone: me.tz ?? sc.timezone, now: now(), privateMetadata: JSON.stringify({ channel: null }) }) });
  });

  app.view(VIEW_COVER, async ({ ack, body, view, client }) => {
    const values = view.state.values as Record<string, Record<string, InputValue>>;
    const input = (block: string) => values[block]?.[COVER_INPUT_ACTION];
    const shift = parseCoverShiftValue(input(COVER_INPUTS.shift)?.selected_option?.value);
    if (!shift) return void (await ack({ response_action: "errors", errors: { [COVER_INPUTS.shift]: "Pick one of your shifts." } }));
    const fromS = input(COVER_INPUTS.from)?.selected_date_time;
    const toS = input(COVER_INPUTS.to)?.selected_date_time;
    const start = typeof fromS === "number" ? fromS * 1000 : shift.start;
    const end = typeof toS === "number" ? toS * 1000 : shift.end;
    const errors: Record<string, string> = {};
    if (start < shift.start - 60_000 || start >= shift.end) errors[COVER_INPUTS.from] = "Pick a time within the shift.";
    if (end > shift.end || end <= shift.start) errors[COVER_INPUTS.to] = "Pick a time within the shift.";
    if (!errors[COVER_INPUTS.to] && !errors[COVER_INPUTS.from] && end <= start) errors[COVER_INPUTS.to] = "This must be after the start.";
    if (!errors[COVER_INPUTS.to] && end <= now()) errors[COVER_INPUTS.to] = "That time is already over.";
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: "errors", errors }));
    const target = `${shift.schedule}: ${new Date(start).toISOString()} – ${new Date(end).toISOString()}`;
    const note = input(COVER_INPUTS.note)?.value ?? null;
    const onShift = (message: string): ViewAnswer => ({ response_action: "errors", errors: { [COVER_INPUTS.shift]: message } });
    await ackViewWithin(
      ack,
      async () => {
        const refused = await refusal(body.user.id, "slack_form", "cover request", target);
        if (refused) return onShift(refused);
        const me = await people.identify(body.user.id);
        if (!me.email) return onShift("You are not a calpage user: add your Slack email to calpage.yaml.");
        const r = await cover.request({ schedule: shift.schedule, requesterEmail: me.email, start: Math.max(start, shift.start), end, note });
        await audit(body.user.id, "slack_form", "cover request", target, r.ok ? null : r.errors[0]!);
        return r.ok ? undefined : onShift(r.errors[0]!);
      },
      // Slack was too slow to answer in the form: the outcome comes as a DM.
      async (answer) => {
        const why = lateProblem(answer);
        if (why) await client.chat.postMessage({ channel: body.user.id, text: `Your request for cover in *${shift.schedule}* was not posted: ${why}` });
      },
    );
  });
}

