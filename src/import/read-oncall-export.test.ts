import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiBase, fetchOncallExport } from "./read-oncall-export.js";

/** The HTTP side of the importer against a loopback stand-in for Grafana OnCall. */
describe("fetchOncallExport", () => {
  let server: Server;
  let origin: string;
  let requests: string[];
  let answer: (path: string) => { status: number; body: string; headers?: Record<string, string> };

  const page = (results: unknown[], next: string | null = null) => ({ status: 200, body: JSON.stringify({ count: results.length, next, previous: null, results }) });
  const empty = () => page([]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      const a = answer(req.url ?? "");
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(a.body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    requests = [];
  });

  const read = (extra: Partial<Parameters<typeof fetchOncallExport>[0]> = {}) =>
    fetchOncallExport({ url: `${origin}/oncall/`, token: "key", retryDelayMs: () => 5, timeoutMs: 5000, ...extra });

  it("takes --url with or without /api/v1", () => {
    expect(apiBase("https://oncall.example.com/oncall").href).toBe("https://oncall.example.com/oncall/api/v1/");
    expect(apiBase("https://oncall.example.com/api/v1/").href).toBe("https://oncall.example.com/api/v1/");
    expect(() => apiBase("oncall.example.com")).toThrow("--url: expected the OnCall API URL");
  });

  it("follows next links on the --url server only, whatever host the link names", async () => {
    answer = (path) =>
      path === "/oncall/api/v1/users/"
        ? page([{ id: "U1" }], "https://elsewhere.example.net/proxy/api/v1/users/?page=2")
        : path === "/oncall/api/v1/users/?page=2"
          ? page([{ id: "U2" }])
          : empty();
    const { data } = await read();
    expect(data.users.map((u) => u.id)).toEqual(["U1", "U2"]);
    expect(requests).toContain("/oncall/api/v1/users/?page=2");
  });

  it("retries 429 and 5xx a bounded number of times, then names the request", async () => {
    let busy = 2;
    answer = (path) => (path === "/oncall/api/v1/users/" && busy-- > 0 ? { status: 429, body: "{}", headers: { "retry-after": "0" } } : empty());
    await read();
    expect(requests.filter((r) => r === "/oncall/api/v1/users/")).toHaveLength(3);

    requests = [];
    answer = (path) => (path === "/oncall/api/v1/schedules/" ? { status: 502, body: "bad gateway" } : empty());
    await expect(read({ attempts: 3 })).rejects.toThrow(`GET ${origin}/oncall/api/v1/schedules/: 502 Bad Gateway (tried 3 times)`);
    expect(requests.filter((r) => r === "/oncall/api/v1/schedules/")).toHaveLength(3);
  });

  it("reads a missing user_groups, webhooks or personal_notification_rules list as empty and says so; other 404s and bad pages are errors", async () => {
    answer = (path) => (path.startsWith("/oncall/api/v1/webhooks/") ? { status: 404, body: '{"detail":"Not found."}' } : empty());
    const { notes } = await read();
    expect(notes).toEqual(["/api/v1/webhooks/ could not be read (an older Grafana OnCall, or a key that may not read it): read as empty"]);

    answer = (path) => (path.startsWith("/oncall/api/v1/routes/") ? { status: 404, body: "{}" } : empty());
    await expect(read()).rejects.toThrow(`GET ${origin}/oncall/api/v1/routes/: 404 Not Found`);

    answer = (path) => (path.startsWith("/oncall/api/v1/integrations/") ? { status: 200, body: '{"results": [{"name": "no id"}]}' } : empty());
    await expect(read()).rejects.toThrow('results[0] is not an object with a string "id"');
  });

  it("does not follow redirects with the key", async () => {
    answer = (path) => (path === "/oncall/api/v1/users/" ? { status: 301, body: "", headers: { location: "https://oncall.example.com/api/v1/users/" } } : empty());
    await expect(read()).rejects.toThrow(`GET ${origin}/oncall/api/v1/users/: 301 redirect to https://oncall.example.com/api/v1/users/; give the URL it redirects to as --url`);
    expect(requests).toEqual(["/oncall/api/v1/users/"]);
  });

  it("stops at a server that does not answer in time", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      await expect(fetchOncallExport({ url: `http://127.0.0.1:${port}`, token: "key", timeoutMs: 200, attempts: 2, retryDelayMs: () => 5 })).rejects.toThrow(
        "no answer within 0.2s (tried 2 times)",
      );
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});
