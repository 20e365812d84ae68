import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The import rule (docs/architecture.md, "Layers"): the domain folders hold decisions and the small
 * interfaces (ports) they need; adapters implement those ports, and src/app and src/cli (the
 * composition roots) wire them. So a domain file never imports an adapter or the packages behind one.
 */
const DOMAIN = ["alerts", "escalation", "schedule", "notify", "paging", "access", "templates", "webhooks", "simulate", "report"];
const ADAPTER_IMPORTS = [
  {
    group: ["**/slack/**", "@slack/*"],
    message: "Domain folders do not talk to Slack: declare the interface you need in your own folder and implement it in src/slack (docs/architecture.md).",
  },
  { group: ["**/http/**"], message: "Domain folders do not import the HTTP adapter (src/http); it calls them." },
  { group: ["**/app/**", "**/cli/**"], message: "src/app and src/cli are the composition roots: they import the domain, never the other way round." },
  {
    group: ["**/store/sqlite/**", "**/store/pg/**", "**/store/sqlite-store*", "**/store/pg-store*", "**/store/db*", "**/store/sqlite-backup*"],
    message: "Domain folders use the store through src/store/store.ts (Store, Tx and the repositories' records), never a backend or raw SQL.",
  },
  { group: ["**/jobs/sqlite-*", "**/jobs/graphile-*"], message: "Domain folders queue jobs through Tx.jobs and src/jobs/job-queue.ts, never a concrete job runner." },
  // Package names as regexes: a gitignore-style "twilio" would also match ./twilio/… folders.
  { regex: "^(drizzle-orm|better-sqlite3|pg|postgres|graphile-worker)(/|$)", message: "Database packages belong to src/store and src/jobs." },
  { regex: "^twilio(/|$)", message: "The Twilio adapter is src/notify/twilio (a plain REST client); the twilio package is only used in its tests, to cross-check." },
  { regex: "^(pino|prom-client)(/|$)", message: "Logging and metrics are wired in src/app; domain code takes a `log` function or an `on…` callback." },
];
/** Only alerts/escalation/schedule/access/templates/webhooks/simulate/report: notify and paging still use the Twilio adapter nested in src/notify/twilio. */
const TWILIO_ADAPTER = { group: ["**/notify/twilio/**"], message: "Only src/notify and src/paging use the Twilio adapter (src/notify/twilio)." };

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "data/**", "migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Only src/config and the entry points read process.env." },
      ],
    },
  },
  {
    files: DOMAIN.map((d) => `src/${d}/**/*.ts`),
    rules: { "no-restricted-imports": ["error", { patterns: ADAPTER_IMPORTS }] },
  },
  {
    files: ["alerts", "escalation", "schedule", "access", "templates", "webhooks", "simulate", "report"].map((d) => `src/${d}/**/*.ts`),
    rules: { "no-restricted-imports": ["error", { patterns: [...ADAPTER_IMPORTS, TWILIO_ADAPTER] }] },
  },
  {
    // The Twilio adapter's own tests check its signatures and TwiML against the official SDK.
    files: ["src/notify/twilio/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ADAPTER_IMPORTS.filter((p) => p.regex !== "^twilio(/|$)") }] },
  },
  {
    files: ["src/config/**", "src/main.ts", "src/cli.ts", "tests/**", "bench/**", "*.ts", "*.js"],
    rules: { "no-restricted-syntax": "off" },
  },
);
