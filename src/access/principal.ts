/** Where an action came from, as recorded in the audit trail. */
export type Surface = "slack_button" | "slack_command" | "slack_form" | "sms" | "voice" | "cli" | "config" | "api";

/**
 * Who is acting, as far as access rules are concerned. Built by the adapters: a Slack member
 * (users.info), the owner of a phone number (SMS reply, keypress), the OS user of the CLI.
 */
export interface Principal {
  kind: "slack" | "phone" | "cli" | "api" | "system";
  /** Slack user id, the number owner's email, the OS user: the audit trail's actor id. */
  id: string;
  /** How the alert group's log names them: a Slack id (`U…`, shown as a mention) or a plain name. */
  actor: string;
  /** A readable name for the audit trail. */
  name: string;
  /** Their email in calpage.yaml; null when they are not a calpage user. */
  email: string | null;
  /** A Slack guest (single- or multi-channel). */
  guest: boolean;
  /** A deactivated Slack account. */
  deactivated: boolean;
  /** The Slack user groups (handles and ids) among those named in access rules that they belong to. */
  userGroups: ReadonlySet<string>;
  /** Someone with a shell on the server (the CLI): may do what admins may; bounds still apply. */
  operator: boolean;
}

export function cliPrincipal(osUser: string | undefined): Principal {
  const id = osUser && osUser.trim() ? osUser.trim() : "unknown";
  return { kind: "cli", id, actor: `${id} (CLI)`, name: `${id} (CLI)`, email: null, guest: false, deactivated: false, userGroups: new Set(), operator: true };
}

/** The owner of a phone number answering by SMS or keypress. */
export function phonePrincipal(email: string, name: string, actor: string, userGroups: ReadonlySet<string> = new Set()): Principal {
  return { kind: "phone", id: email, actor, name, email, guest: false, deactivated: false, userGroups, operator: false };
}

/** calpage itself (loading its configuration, jobs acting on their own). */
export function systemPrincipal(what = "calpage"): Principal {
  return { kind: "system", id: what, actor: what, name: what, email: null, guest: false, deactivated: false, userGroups: new Set(), operator: true };
}

/**
 * A write token of the HTTP API acting as the calpage user it names (`api.tokens[].as`): the access
 * rules see that person; the audit trail's actor id is the token's name, its name says both.
 */
export function apiPrincipal(tokenName: string, email: string, personName: string, userGroups: ReadonlySet<string> = new Set()): Principal {
  const label = `${personName} (API token ${tokenName})`;
  return { kind: "api", id: tokenName, actor: label, name: label, email, guest: false, deactivated: false, userGroups, operator: false };
}
