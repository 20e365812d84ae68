import type { CommandContext, Feature } from "../../app/feature.js";
import type { UserSettingsService } from "../../paging/settings/user-settings-service.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import type { IdentifyMe } from "./identify-me.js";
import { codeSentText, ladderErrorsText, meSummaryText, NOT_A_USER_TEXT, phoneRemovedText, quietSavedText, remindersText, rulesSavedText, verifiedText } from "./me-summary.js";
import { ME_HELP, ME_USAGE, parseMeCommand, QUIET_USAGE } from "./parse-me-command.js";

/** `/oncall me …`: parse, call the settings service, answer privately. */
/** Records a settings change in the audit trail: `error` null when it was done. */
export type SettingsAudit = (slackId: string, surface: "slack_command" | "slack_button" | "slack_form", action: string, error: string | null) => Promise<void>;

export function meCommand(deps: { settings: UserSettingsService; identify: IdentifyMe; now: () => number; audit: SettingsAudit }): NonNullable<Feature["commands"]>[string] {
  const { settings, identify, now } = deps;
  return {
    usage: ME_USAGE,
    async run(args: string[], ctx: CommandContext): Promise<void> {
      const cmd = parseMeCommand(args);
      if (cmd.kind === "help") return ctx.respond(ME_HELP);
      if (cmd.kind === "error") return ctx.respond(cmd.message);
      const email = await identify(ctx.client, ctx.userId);
      if (email === null) return ctx.respond(NOT_A_USER_TEXT);
      const audit = (action: string, error: string | null) => deps.audit(ctx.userId, "slack_command", action, error);
      switch (cmd.kind) {
        case "show":
          return ctx.respond(meSummaryText(await settings.get(email), now()));
        case "reminders": {
          await settings.setReminders(email, cmd.seconds.map((s) => s * 1000));
          await audit("settings: shift reminders", null);
          return ctx.respond(`:white_check_mark: ${remindersText(cmd.seconds.map((s) => s * 1000))}`);
        }
        case "reminders_reset": {
          await settings.setReminders(email, null);
          await audit("settings: reset shift reminders", null);
          return ctx.respond(`:white_check_mark: ${remindersText(null)}`);
        }
        case "phone": {
          const r = await settings.requestPhoneChange(email, cmd.number);
          await audit("settings: new phone number", r.ok ? null : r.message);
          return ctx.respond(r.ok ? codeSentText(r.phone) : escapeMrkdwn(r.message));
        }
        case "verify": {
          const r = await settings.verify(email, cmd.code);
          await audit("settings: verify phone number", r.ok ? null : r.message);
          return ctx.respond(r.ok ? verifiedText(r.phone) : r.message);
        }
        case "phone_remove": {
          const r = await settings.removePhone(email);
          await audit("settings: remove phone number", null);
          return ctx.respond(phoneRemovedText(r.changed, r.me));
        }
        case "rules": {
          const r = await settings.setRules(email, { [cmd.ladder]: cmd.text });
          await audit(`settings: ${cmd.ladder} rules`, r.ok ? null : "invalid rules");
          if (!r.ok) return ctx.respond(ladderErrorsText(cmd.ladder, r.errors[cmd.ladder] ?? []));
          return ctx.respond(rulesSavedText(await settings.get(email), [cmd.ladder], r.warnings));
        }
        case "quiet": {
          const r = await settings.setQuietHours(email, cmd.text);
          await audit("settings: quiet hours", r.ok ? null : r.message);
          return ctx.respond(r.ok ? quietSavedText(r.me) : `${escapeMrkdwn(r.message)} ${QUIET_USAGE}`);
        }
        case "rules_reset": {
          const me = await settings.resetRules(email, cmd.ladder);
          await audit(`settings: reset ${cmd.ladder ?? "all"} rules`, null);
          return ctx.respond(rulesSavedText(me, cmd.ladder ? [cmd.ladder] : ["default", "important"], [], ":white_check_mark: Back to calpage.yaml's rules. From the next page on:"));
        }
      }
    },
  };
}

