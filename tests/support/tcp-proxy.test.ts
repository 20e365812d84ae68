import { createServer, connect, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/** Sends `text` through a new connection to `port` and resolves with the echo, or the error code. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => socket.write(text));
    socket.once("data", (d) => {
      resolve(d.toString());
      socket.end();
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

describe("tcp proxy", () => {
  let echo: Server;
  let proxy: TcpProxy;

  beforeAll(async () => {
    echo = createServer((s) => s.on("data", (d) => s.write(`echo:${d.toString()}`)).on("error", () => undefined));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    proxy = await startTcpProxy({ host: "127.0.0.1", port: (echo.address() as { port: number }).port });
  });
  afterAll(async () => {
    await proxy?.close();
    await new Promise((r) => echo?.close(r));
  });

  it("forwards, refuses while cut (resetting open connections), and forwards again on the same port", async () => {
    expect(await roundTrip(proxy.port, "a")).toBe("echo:a");
    const open = connect({ port: proxy.port, host: "127.0.0.1" });
    await new Promise((r) => open.once("connect", r));
    const reset = new Promise<string>((r) => open.once("error", (e: NodeJS.ErrnoException) => r(e.code ?? "error")).once("close", () => r("closed")));
    const port = proxy.port;
    await proxy.cut();
    expect(proxy.down).toBe(true);
    expect(["ECONNRESET", "closed"]).toContain(await reset);
    expect(await roundTrip(port, "b")).toBe("ECONNREFUSED");
    await proxy.restore();
    expect(proxy.port).toBe(port);
    expect(await roundTrip(port, "c")).toBe("echo:c");
  });

  it("refuses targets off this machine", async () => {
    await expect(startTcpProxy({ host: "10.0.0.1", port: 5432 })).rejects.toThrow(/only loopback/);
  });
});
