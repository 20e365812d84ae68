import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy on a loopback port in front of another loopback server, which a test can cut and restore (a database outage). */
export interface TcpProxy {
  /** The proxy's port on 127.0.0.1 (the same after a restore). */
  port: number;
  /** Connections refused from now on, and every open one reset — as if the server's host went away. */
  cut(): Promise<void>;
  /** Accepts and forwards connections again, on the same port. */
  restore(): Promise<void>;
  /** True between cut() and restore(). */
  readonly down: boolean;
  close(): Promise<void>;
}

/**
 * Starts a proxy from 127.0.0.1:<free port> to `target`. Both ends must be loopback addresses.
 * @example
 * const proxy = await startTcpProxy({ host: "127.0.0.1", port: 5432 });
 * await proxy.cut(); ...; await proxy.restore();
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  if (!["127.0.0.1", "localhost", "::1"].includes(target.host)) throw new Error(`tcp proxy: only loopback targets, not ${target.host}`);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let down = false;

  const listen = async (onPort: number) => {
    const s = createServer((client) => {
      const upstream = createConnection({ host: target.host, port: target.port });
      sockets.add(client);
      sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen({ port: onPort, host: "127.0.0.1" }, () => resolve());
    });
    server = s;
    port = (s.address() as { port: number }).port;
  };
  const stop = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen(0);
  return {
    get port() {
      return port;
    },
    get down() {
      return down;
    },
    async cut() {
      down = true;
      await stop();
    },
    async restore() {
      // The port was ours a moment ago; another process taking it in between would fail loudly here.
      await listen(port);
      down = false;
    },
    close: stop,
  };
}
