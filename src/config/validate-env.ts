import { isIP } from "node:net";
import { Checker, describe, isHttpUrl } from "./config-checker.js";
import type { Config, TwilioEnv } from "./config-types.js";
import { databaseUrlProblem } from "./database-url.js";
import { parseDuration } from "../shared/duration.js";

const PHONE_RE = /^\+\d{8,15}$/;
const TWILIO_CREDENTIALS = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"] as const;

/**
 * The settings that come only from the environment. Empty counts as unset.
 * Problems use the path `env.<VARIABLE>` and no line; values that may be secret are never repeated.
 */
export function validateEnv(c: Checker, env: Record<string, string | undefined>): Config["env"] {
  const get = (name: string): string | null => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? null : value;
  };

  let databaseUrl = get("DATABASE_URL");
  const databaseProblem = databaseUrl === null ? null : databaseUrlProblem(databaseUrl);
  if (databaseProblem !== null) {
    // The value may hold a password: not repeated in the message.
    c.report("env.DATABASE_URL", databaseProblem);
    databaseUrl = null;
  }

  let shutdownGraceMs = 10_000;
  const graceText = get("SHUTDOWN_GRACE");
  if (graceText !== null) {
    const seconds = /^\d+$/.test(graceText) ? Number(graceText) : parseDuration(graceText);
    if (seconds !== null && seconds >= 1 && seconds <= 3600) shutdownGraceMs = seconds * 1000;
    else c.report("env.SHUTDOWN_GRACE", `expected how long shutdown may wait for requests and jobs, like 10s or 1m (1 s to 1 h), found ${describe(graceText)}`);
  }

  let webLinkTtlSeconds = 12 * 3600;
  const webTtlText = get("WEB_LINK_TTL");
  if (webTtlText !== null) {
    const seconds = parseDuration(webTtlText);
    if (seconds !== null && seconds >= 60 && seconds <= 30 * 86400) webLinkTtlSeconds = seconds;
    else c.report("env.WEB_LINK_TTL", `expected how long a web view link from \`/oncall web\` lasts, like 12h or 2d (1 min to 30 days), found ${describe(webTtlText)}`);
  }

  // "Sign in with Slack" on the web view: both or neither. The secret is never repeated.
  const clientId = get("SLACK_CLIENT_ID");
  const clientSecret = get("SLACK_CLIENT_SECRET");
  let slackSignIn: { clientId: string; clientSecret: string } | null = null;
  if (clientId !== null && clientSecret !== null) slackSignIn = { clientId, clientSecret };
  else if (clientId !== null || clientSecret !== null) {
    c.report(`env.${clientId === null ? "SLACK_CLIENT_ID" : "SLACK_CLIENT_SECRET"}`, "is missing: \"Sign in with Slack\" needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information page of the Slack app); set both, or neither to sign in with /oncall web links only");
  }

  const dataDir = get("CALPAGE_DATA_DIR") ?? "./data";
  const sqlitePath = `${dataDir.replace(/\/+$/, "")}/calpage.db`;

  const portNumber = (name: string): number | null => {
    const text = get(name);
    if (text === null) return null;
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
    c.report(`env.${name}`, `expected a port number from 1 to 65535, found ${describe(text)}`);
    return null;
  };
  const port = portNumber("PORT") ?? 8080;
  const host = bindAddress(c, get, "HOST");
  const metricsHost = bindAddress(c, get, "METRICS_HOST") ?? "127.0.0.1";
  let metricsPort = portNumber("METRICS_PORT");
  if (metricsPort !== null && metricsPort === port) {
    c.report("env.METRICS_PORT", `is the same as PORT (${port}); use another port, or leave METRICS_PORT unset to serve /metrics on PORT`);
    metricsPort = null;
  }
  // A secret: never repeated in a message.
  const metricsToken = get("METRICS_TOKEN");
  if (metricsToken !== null && metricsToken.length < 16) c.report("env.METRICS_TOKEN", `is ${metricsToken.length} characters long; use at least 16 (e.g. openssl rand -hex 16)`);

  const httpUrl = (name: string, example: string): string | null => {
    const value = get(name);
    if (value === null) return null;
    if (!isHttpUrl(value)) {
      c.report(`env.${name}`, `expected an http:// or https:// URL like ${example}, found ${describe(value)}`);
      return null;
    }
    return value.replace(/\/+$/, "");
  };
  const publicUrlGiven = httpUrl("PUBLIC_URL", "https://calpage.example.com");
  const publicUrl = publicUrlGiven ?? `http://localhost:${port}`;
  const apiUrl = httpUrl("SLACK_API_URL", "https://slack.com/api");
  // Monitoring services put a secret in the URL (a check's UUID): never repeated in a message.
  let heartbeatUrl = get("HEARTBEAT_URL");
  if (heartbeatUrl !== null && !isHttpUrl(heartbeatUrl)) {
    c.report("env.HEARTBEAT_URL", "expected an http:// or https:// URL to ping every minute, like https://hc-ping.com/<uuid>");
    heartbeatUrl = null;
  }

  const logLevel = oneOf(c, get, "LOG_LEVEL", ["debug", "info", "warn", "error"] as const, "the least important log lines to write") ?? "info";
  const logFormat = oneOf(c, get, "LOG_FORMAT", ["json", "pretty"] as const, "one JSON object a line, or readable lines");

  return {
    databaseUrl,
    sqlitePath,
    shutdownGraceMs,
    port,
    host,
    metricsToken,
    metricsPort,
    metricsHost,
    heartbeatUrl,
    logLevel,
    logFormat,
    publicUrl,
    publicUrlSet: publicUrlGiven !== null,
    webLinkTtlSeconds,
    slackSignIn,
    slack: {
      botToken: get("SLACK_BOT_TOKEN"),
      signingSecret: get("SLACK_SIGNING_SECRET"),
      appToken: get("SLACK_APP_TOKEN"),
      apiUrl,
    },
    twilio: validateTwilio(c, get, () => httpUrl("TWILIO_API_URL", "https://api.twilio.com")),
  };
}

/** One of a few words (any case); else a problem listing them. */
function oneOf<T extends string>(c: Checker, get: (name: string) => string | null, name: string, words: readonly T[], what: string): T | null {
  const value = get(name);
  if (value === null) return null;
  const word = words.find((w) => w === value.toLowerCase());
  if (word !== undefined) return word;
  c.report(`env.${name}`, `expected ${words.slice(0, -1).join(", ")} or ${words[words.length - 1]} (${what}), found ${describe(value)}`);
  return null;
}

/** A bind address: an IP address (0.0.0.0, ::, 127.0.0.1) or a host name like localhost. */
function bindAddress(c: Checker, get: (name: string) => string | null, name: string): string | null {
  const value = get(name);
  if (value === null) return null;
  if (isIP(value) !== 0 || /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(value)) return value;
  c.report(`env.${name}`, `expected an address to listen on like 0.0.0.0, :: or 127.0.0.1, found ${describe(value)}`);
  return null;
}

/** Twilio is all or nothing: SMS and calls need the account SID, the auth token and the sending number together. */
function validateTwilio(c: Checker, get: (name: string) => string | null, apiUrl: () => string | null): TwilioEnv {
  let accountSid = get("TWILIO_ACCOUNT_SID");
  const authToken = get("TWILIO_AUTH_TOKEN");
  const fromText = get("TWILIO_FROM_NUMBER");

  const missing = TWILIO_CREDENTIALS.filter((name) => get(name) === null);
  if (missing.length > 0 && missing.length < TWILIO_CREDENTIALS.length) {
    const names = missing.length === 1 ? `${missing[0]} is` : `${missing.slice(0, -1).join(", ")} and ${missing[missing.length - 1]} are`;
    c.report(`env.${missing[0]}`, `${names} not set; SMS and phone calls need TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER together (or none of them)`);
  }

  if (accountSid !== null && !accountSid.startsWith("AC")) {
    c.report("env.TWILIO_ACCOUNT_SID", "expected a Twilio account SID starting with AC (Twilio Console -> Account info)");
    accountSid = null;
  }

  let fromNumber: string | null = null;
  if (fromText !== null) {
    // People paste numbers with spaces and dashes; Twilio wants plain E.164.
    const normalized = fromText.replace(/[\s().-]/g, "");
    if (PHONE_RE.test(normalized)) fromNumber = normalized;
    else c.report("env.TWILIO_FROM_NUMBER", `expected a phone number in E.164 form like +4915112345678 (a + and 8 to 15 digits), found ${describe(fromText)}`);
  }

  return { accountSid, authToken, fromNumber, apiUrl: apiUrl() };
}
