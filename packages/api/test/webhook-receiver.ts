import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A local HTTP webhook receiver on 127.0.0.1: records every request (and every TCP connection,
 * even ones that never became a request), answers `status` (default 204); a path starting with
 * `/redirect` answers 302 to `/redirected`. `stop()` takes it down (connections refused) and
 * `start()` brings it back on the same port.
 */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  let connections = 0;
  let status = 204;
  let server: Server | undefined;
  let port = 0;

  async function start(): Promise<void> {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        received.push({ path: req.url ?? "", headers: req.headers, body, at: Date.now() });
        if (req.url?.startsWith("/redirect")) {
          res.writeHead(302, { location: "/redirected" }).end();
          return;
        }
        res.writeHead(status).end();
      });
    });
    server.on("connection", () => {
      connections++;
    });
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  }

  await start();
  return {
    received,
    get port() {
      return port;
    },
    url: (path = "/hooks") => `http://127.0.0.1:${port}${path}`,
    connections: () => connections,
    answer(code: number) {
      status = code;
    },
    start,
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
