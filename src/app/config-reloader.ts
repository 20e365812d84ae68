import { systemPrincipal } from "../access/principal.js";
import { recordAudit } from "../access/record-audit.js";
import type { Config, ConfigProblem } from "../config/config-types.js";
import { formatProblems, formatWarnings } from "../config/load-config.js";
import { errorText } from "../shared/error-text.js";
import type { Result } from "../shared/result.js";
import type { SlackApi } from "../slack/slack-api.js";
import type { Store } from "../store/store.js";

export type ReloadOutcome = { applied: true; summary: string } | { applied: false; problems: string };

export interface ConfigReloaderDeps {
  store: Store;
  slack: SlackApi;
  log: (line: string) => void;
  now: () => number;
  /** The running configuration (its admins are told about a refused file). */
  current: () => Config;
  lookupSlackUser: (email: string) => Promise<{ id: string } | null>;
  /** What the log does to a line (secrets, phone numbers), for the DMs too. */
  redact: (text: string) => string;
  /** Builds everything from `next` and swaps it in; throws (changing nothing) when it cannot. Resolves with a summary for the audit trail. */
  apply: (next: Config) => Promise<string>;
}

/**
 * Config hot reload: a valid file is applied as a whole, a bad one (or one that cannot be
 * applied) keeps the running configuration. Either way the log and the audit trail (surface
 * `config`) say so; a refusal is also sent to the admins as a Slack DM. One reload at a time.
 */
export function createConfigReloader(deps: ConfigReloaderDeps) {
  let queue: Promise<unknown> = Promise.resolve();

  async function refuse(path: string, trigger: string, problems: string): Promise<ReloadOutcome> {
    deps.log(`config reload (${trigger}) refused, still running the previous configuration:\n${problems}`);
    await audit(path, "refused", problems);
    await tellAdmins(`:warning: calpage did not reload ${path} (${trigger}); it keeps running the previous configuration. Problems:\n\`\`\`\n${problems}\n\`\`\``);
    return { applied: false, problems };
  }

  async function audit(path: string, outcome: "done" | "refused", reason: string): Promise<void> {
    try {
      await recordAudit(deps.store, systemPrincipal(), "config", "config reloaded", path, outcome, reason, deps.now());
    } catch (error) {
      deps.log(`config reload: could not write the audit trail: ${errorText(error)}`);
    }
  }

  /** DMs every admin (emails, and members of the admin user groups) once; failures are logged. */
  async function tellAdmins(text: string): Promise<void> {
    const { emails, userGroups } = deps.current().access.admins;
    const ids = new Set<string>();
    for (const email of emails) {
      try {
        const ref = await deps.lookupSlackUser(email);
        if (ref) ids.add(ref.id);
        else deps.log(`config reload: admin ${email} has no Slack account calpage can find; not told`);
      } catch (error) {
        deps.log(`config reload: cannot look up admin ${email} in Slack: ${errorText(error)}`);
      }
    }
    for (const group of userGroups) {
      try {
        const members = await deps.slack.userGroupMembers(group);
        if (members === null) deps.log(`config reload: admin user group @${group} not found in Slack; not told`);
        for (const id of members ?? []) ids.add(id);
      } catch (error) {
        deps.log(`config reload: cannot read admin user group @${group} from Slack: ${errorText(error)}`);
      }
    }
    for (const id of ids) {
      try {
        await deps.slack.postMessage({ channel: id, text: deps.redact(text) });
      } catch (error) {
        deps.log(`config reload: cannot send a DM to admin ${id}: ${errorText(error)}`);
      }
    }
  }

  async function run(loaded: Result<Config, ConfigProblem>, trigger: string): Promise<ReloadOutcome> {
    const path = deps.current().path;
    if (!loaded.ok) return refuse(path, trigger, formatProblems(path, loaded.errors));
    if (loaded.value.warnings?.length) deps.log(formatWarnings(path, loaded.value.warnings));
    let summary: string;
    try {
      summary = await deps.apply(loaded.value);
    } catch (error) {
      return refuse(path, trigger, `${path}: cannot apply: ${errorText(error)}`);
    }
    deps.log(`config reload (${trigger}): applied ${path}: ${summary}`);
    await audit(path, "done", summary);
    return { applied: true, summary };
  }

  return {
    /** Validated config (or its problems) read again from disk; `trigger` says why, e.g. `SIGHUP`. */
    reload(loaded: Result<Config, ConfigProblem>, trigger: string): Promise<ReloadOutcome> {
      const next = queue.then(() => run(loaded, trigger));
      queue = next.catch(() => undefined);
      return next;
    },
    /** Resolves once no reload is running (shutdown waits for it). */
    async settled(): Promise<void> {
      await queue;
    },
  };
}
