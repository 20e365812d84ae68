import { alertmanagerPayload, BENCH_TOKEN, createPoster, startBenchEnv, progress } from "./bench-env.js";
const backend = (process.argv[2] ?? "sqlite") as "sqlite" | "postgres";
const env = await startBenchEnv({ backend, pgAdminUrl: "postgres://postgres@127.0.0.1:5432/postgres" }, "smoke", `escalation_chains:
  - name: page
    steps:
      - notify_users: [alice@example.com]
      - wait: 1s
      - notify_users: [bob@example.com]
integrations:
  - name: am
    type: alertmanager
    token: ${BENCH_TOKEN}
    chain: page
    channel: "#bench"
`);
const poster = createPoster(env.webhookUrl, 4);
const t0 = Date.now();
const r = await poster.post(alertmanagerPayload({ groupKey: "g1", alertname: "A1", alertCount: 10 }));
progress(`${r.status} ${r.body} in ${Date.now() - t0}ms`);
await new Promise((res) => setTimeout(res, 2500));
for (const c of env.slack.calls) progress(`${c.at - t0} ${c.method} ${String(c.args.channel)} ${String(c.args.thread_ts ?? "")} ${JSON.stringify(c.response).slice(0, 100)}`);
const g = await env.calpage.store.read.groups.getByNumber(1);
progress(JSON.stringify({ first: g && g.firstAlertAt - t0, slackTs: g?.slackTs }));
for (const l of await env.calpage.store.read.log.list(g!.id)) progress(`${l.at - t0} ${l.kind} ${l.text}`);
for (const p of await env.calpage.store.read.pages.listForGroup(g!.id)) progress(`${p.updatedAt - t0} ${p.userEmail} ${p.state} ${p.externalRef}`);
poster.close();
await env.stop();
