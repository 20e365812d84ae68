/**
 * The OpenAPI 3.1 description of /api/v1, served as it is at /api/v1/openapi.json. The API tests
 * validate every response they get (successes and errors) against these schemas, so a change to an
 * answer that is not made here fails them. Schemas are JSON Schema 2020-12.
 */

const iso = { type: "string", format: "date-time", description: "ISO 8601, UTC" } as const;
const isoOrNull = { type: ["string", "null"], format: "date-time" } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const err = (name: string) => ({ $ref: `#/components/responses/${name}` });
const READ_ERRORS = { "400": err("BadRequest"), "401": err("Unauthorized"), "404": err("NotFound"), "405": err("MethodNotAllowed"), "500": err("Internal"), "503": err("Unavailable") };
const WRITE_ERRORS = { ...READ_ERRORS, "403": err("Forbidden"), "409": err("Conflict"), "413": err("TooLarge") };
const groupNumber = { name: "number", in: "path", required: true, description: "The alert group's number (#42 in Slack)", schema: { type: "integer", minimum: 1 } };
const time = (name: string, description: string) => ({ name, in: "query", required: false, description, schema: { type: "string", format: "date-time" } });

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "calpage API",
    version: "1",
    description:
      "Who is on call, shifts, alert groups and their log; acknowledge, resolve and silence under the same access rules as Slack. " +
      "Authenticate with `Authorization: Bearer <token>` (calpage.yaml `api.tokens`); read tokens may GET, write tokens may also POST. " +
      "Times are ISO 8601 in UTC. Errors are `{\"error\": {\"code\", \"message\", \"field\"}}`. See README \"API\".",
  },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }],
  paths: {
    "/openapi.json": {
      get: {
        operationId: "openapi",
        summary: "This document (no token needed)",
        security: [],
        responses: { "200": json({ type: "object" }, "The OpenAPI 3.1 document"), "405": err("MethodNotAllowed") },
      },
    },
    "/oncall": {
      get: {
        operationId: "oncall",
        summary: "Who is on call now or at a time, per schedule (what `calpage who --at` prints)",
        parameters: [
          { name: "schedule", in: "query", required: false, description: "One schedule; every schedule when left out", schema: { type: "string" } },
          time("at", "When (default now); within 400 days of now"),
        ],
        responses: { "200": json(ref("OnCall"), "Who is on call"), ...READ_ERRORS },
      },
    },
    "/schedules": {
      get: {
        operationId: "schedules",
        summary: "The schedules of calpage.yaml, and who is on call in each now",
        responses: { "200": json(ref("ScheduleList"), "The schedules"), ...READ_ERRORS },
      },
    },
    "/schedules/{name}/shifts": {
      get: {
        operationId: "shifts",
        summary: "The final schedule's shifts in [from, to) (what `calpage shifts --format json` prints)",
        parameters: [
          { name: "name", in: "path", required: true, schema: { type: "string" } },
          time("from", "Start (default now)"),
          time("to", "End (default from + 7 days); at most 92 days after from"),
        ],
        responses: { "200": json(ref("Shifts"), "The shifts"), ...READ_ERRORS },
      },
    },
    "/alert-groups": {
      get: {
        operationId: "listAlertGroups",
        summary: "Alert groups, newest first, a page at a time",
        parameters: [
          {
            name: "state",
            in: "query",
            required: false,
            description: "open (not resolved: firing, acknowledged or silenced), firing, acknowledged, silenced or resolved; several comma-separated",
            schema: { type: "string", examples: ["open", "firing,silenced"] },
          },
          { name: "integration", in: "query", required: false, description: "The integration's name in calpage.yaml", schema: { type: "string" } },
          time("since", "Groups opened at or after this"),
          time("until", "Groups opened before this"),
          { name: "limit", in: "query", required: false, description: "Page size (default 50)", schema: { type: "integer", minimum: 1, maximum: 200 } },
          { name: "cursor", in: "query", required: false, description: "nextCursor of the previous page", schema: { type: "string" } },
        ],
        responses: { "200": json(ref("AlertGroupPage"), "One page of alert groups"), ...READ_ERRORS },
      },
    },
    "/alert-groups/{number}": {
      get: {
        operationId: "getAlertGroup",
        summary: "One alert group",
        parameters: [groupNumber],
        responses: { "200": json(ref("AlertGroup"), "The alert group"), ...READ_ERRORS },
      },
    },
    "/alert-groups/{number}/log": {
      get: {
        operationId: "getAlertGroupLog",
        summary: "An alert group's history: every step and notification (what `calpage log` prints)",
        parameters: [groupNumber],
        responses: { "200": json(ref("AlertGroupLog"), "The log"), ...READ_ERRORS },
      },
    },
    "/alert-groups/{number}/acknowledge": {
      post: {
        operationId: "acknowledgeAlertGroup",
        summary: "Acknowledge (write scope; the token's person must be allowed to, as in Slack)",
        parameters: [groupNumber],
        responses: { "200": json(ref("AlertGroup"), "The acknowledged group"), ...WRITE_ERRORS },
      },
    },
    "/alert-groups/{number}/resolve": {
      post: {
        operationId: "resolveAlertGroup",
        summary: "Resolve (write scope; the token's person must be allowed to, as in Slack)",
        parameters: [groupNumber],
        responses: { "200": json(ref("AlertGroup"), "The resolved group"), ...WRITE_ERRORS },
      },
    },
    "/alert-groups/{number}/silence": {
      post: {
        operationId: "silenceAlertGroup",
        summary: "Silence for a duration or until a time (write scope; longer than access.max_silence or forever: admins only)",
        parameters: [groupNumber],
        requestBody: { required: true, content: { "application/json": { schema: ref("SilenceRequest") } } },
        responses: { "200": json(ref("AlertGroup"), "The silenced group"), ...WRITE_ERRORS },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A token from calpage.yaml api.tokens" } },
    responses: {
      BadRequest: json(ref("Error"), "A query parameter, path part or body key is wrong; error.field names it"),
      Unauthorized: json(ref("Error"), "No token, or one calpage does not know (with WWW-Authenticate: Bearer)"),
      Forbidden: json(ref("Error"), "insufficient_scope: a read token on a write endpoint; forbidden: the access rules refuse, with the words Slack uses"),
      NotFound: json(ref("Error"), "No such endpoint, schedule or alert group"),
      MethodNotAllowed: json(ref("Error"), "The endpoint exists but not with this method (see Allow)"),
      Conflict: json(ref("Error"), "The action does not apply now, e.g. the group is already resolved"),
      TooLarge: json(ref("Error"), "The body is over 16 KiB"),
      Internal: json(ref("Error"), "calpage failed; nothing was changed"),
      Unavailable: json(ref("Error"), "The database is unavailable, calpage is shutting down, or the schedule's feed was never read (Retry-After)"),
    },
    schemas: {
      Error: {
        type: "object",
        additionalProperties: false,
        required: ["error"],
        properties: {
          error: {
            type: "object",
            additionalProperties: false,
            required: ["code", "message"],
            properties: {
              code: {
                enum: [
                  "invalid_parameter",
                  "unauthorized",
                  "insufficient_scope",
                  "forbidden",
                  "not_found",
                  "method_not_allowed",
                  "conflict",
                  "body_too_large",
                  "schedule_unknown",
                  "database_unavailable",
                  "shutting_down",
                  "internal",
                ],
              },
              message: { type: "string", minLength: 1 },
              field: { type: "string", description: "The query parameter, path part or body key at fault" },
            },
          },
        },
      },
      Person: {
        type: "object",
        additionalProperties: false,
        required: ["email", "name"],
        properties: { email: { type: "string" }, name: { type: "string" } },
      },
      Shift: {
        type: "object",
        additionalProperties: false,
        required: ["start", "end", "users", "reasons"],
        properties: {
          start: iso,
          end: iso,
          users: { type: "array", items: ref("Person") },
          reasons: {
            type: "array",
            description: "Why each person is on call: the feed event or Slack override, and its [Ln] level",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["email", "source", "level", "summary"],
              properties: {
                email: { type: "string" },
                source: { enum: ["primary", "overrides", "slack"] },
                level: { type: "integer" },
                summary: { type: "string" },
              },
            },
          },
        },
      },
      OnCall: {
        type: "object",
        additionalProperties: false,
        required: ["at", "schedules"],
        properties: {
          at: iso,
          schedules: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["schedule", "timezone", "known", "users", "shift"],
              properties: {
                schedule: { type: "string" },
                timezone: { type: "string" },
                known: { type: "boolean", description: "false: the feed was never read and no copy is stored, so calpage does not know (not \"nobody\")" },
                users: { type: "array", items: ref("Person") },
                shift: { oneOf: [ref("Shift"), { type: "null" }], description: "The shift under way at `at`; null in a gap" },
              },
            },
          },
        },
      },
      ScheduleList: {
        type: "object",
        additionalProperties: false,
        required: ["schedules"],
        properties: {
          schedules: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name", "timezone", "known", "onCallNow"],
              properties: { name: { type: "string" }, timezone: { type: "string" }, known: { type: "boolean" }, onCallNow: { type: "array", items: ref("Person") } },
            },
          },
        },
      },
      Shifts: {
        type: "object",
        additionalProperties: false,
        required: ["schedule", "timezone", "from", "to", "shifts"],
        properties: { schedule: { type: "string" }, timezone: { type: "string" }, from: iso, to: iso, shifts: { type: "array", items: ref("Shift") } },
      },
      AlertGroup: {
        type: "object",
        additionalProperties: false,
        required: [
          "number",
          "title",
          "state",
          "integration",
          "severity",
          "message",
          "labels",
          "links",
          "alertCount",
          "firingCount",
          "truncatedAlerts",
          "channel",
          "chain",
          "createdAt",
          "firstAlertAt",
          "lastAlertAt",
          "acknowledgedBy",
          "acknowledgedAt",
          "resolvedBy",
          "resolvedAt",
          "silencedBy",
          "silencedUntil",
        ],
        properties: {
          number: { type: "integer", minimum: 1 },
          title: { type: "string" },
          state: { enum: ["firing", "acknowledged", "silenced", "resolved"] },
          integration: { type: "string" },
          severity: { type: ["string", "null"] },
          message: { type: ["string", "null"] },
          labels: { type: "object", additionalProperties: { type: "string" } },
          links: {
            type: "array",
            items: { type: "object", additionalProperties: false, required: ["title", "url"], properties: { title: { type: "string" }, url: { type: "string" } } },
          },
          alertCount: { type: "integer", minimum: 0 },
          firingCount: { type: "integer", minimum: 0 },
          truncatedAlerts: { type: "integer", minimum: 0, description: "Alerts the source left out of its latest delivery" },
          channel: { type: ["string", "null"] },
          chain: { type: ["string", "null"] },
          createdAt: iso,
          firstAlertAt: iso,
          lastAlertAt: iso,
          acknowledgedBy: { type: ["string", "null"], description: "A Slack user id (U…) or a name, e.g. \"Alice Example (API token deploy-bot)\"" },
          acknowledgedAt: isoOrNull,
          resolvedBy: { type: ["string", "null"] },
          resolvedAt: isoOrNull,
          silencedBy: { type: ["string", "null"] },
          silencedUntil: { ...isoOrNull, description: "null while silenced means until unsilenced" },
        },
      },
      AlertGroupPage: {
        type: "object",
        additionalProperties: false,
        required: ["groups", "nextCursor"],
        properties: {
          groups: { type: "array", items: ref("AlertGroup") },
          nextCursor: { type: ["string", "null"], description: "Pass as cursor for the next page; null on the last page" },
        },
      },
      AlertGroupLog: {
        type: "object",
        additionalProperties: false,
        required: ["number", "entries", "pages"],
        properties: {
          number: { type: "integer", minimum: 1 },
          entries: {
            type: "array",
            items: { type: "object", additionalProperties: false, required: ["at", "kind", "text"], properties: { at: iso, kind: { type: "string" }, text: { type: "string" } } },
          },
          pages: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["channel", "user", "important", "state", "error", "createdAt", "sentAt"],
              properties: {
                channel: { enum: ["slack_dm", "sms", "call"] },
                user: { type: "string", description: "The person's email" },
                important: { type: "boolean" },
                state: { enum: ["pending", "sending", "sent", "delivered", "answered", "failed", "cancelled", "throttled"] },
                error: { type: ["string", "null"] },
                createdAt: iso,
                sentAt: isoOrNull,
              },
            },
          },
        },
      },
      SilenceRequest: {
        type: "object",
        additionalProperties: false,
        description: "Exactly one of duration or until",
        properties: {
          duration: { type: "string", description: "Like 30m, 2h, 1h30m, or forever", examples: ["2h", "forever"] },
          until: { type: "string", format: "date-time" },
        },
        oneOf: [{ required: ["duration"] }, { required: ["until"] }],
      },
    },
  },
} as const;
