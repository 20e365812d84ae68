import { createServer } from "node:net";

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 by binding port 0 and closing again.
 *
 * There is a short window in which another process could take the port; callers that spawn
 * servers on it (Alertmanager, embedded Postgres) fail loudly if that happens, which is rare.
 */
export async function getFreePort(host = "127.0.0.1"): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error(`could not read the port of a server bound to ${host}:0`));
        return;
      }
      const { port } = address;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
