import { createServer as createHttpServer, request } from "node:http";
import { type AddressInfo, createConnection, createServer, type Server } from "node:net";

/** Calls or commands seen, by name. */
export type Tally = Record<string, number>;

export interface RedisCount {
  /** Client writes that carried at least one command: what a client waits on, one network round trip each. */
  roundTrips: number;
  commands: Tally;
}

/**
 * A TCP proxy in front of Redis that counts what the clients behind it send: every command
 * (RESP arrays, parsed from the client's byte stream) and every client write carrying commands
 * (a round trip: a pipeline or MULTI sent in one write counts once, as on the network).
 */
export async function startRedisCounter(target: { host: string; port: number }) {
  let count: RedisCount = { roundTrips: 0, commands: {} };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    let pending: Buffer = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const { names, rest } = parseCommands(pending);
      pending = rest;
      if (names.length === 0) return;
      count.roundTrips++;
      for (const name of names) count.commands[name] = (count.commands[name] ?? 0) + 1;
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  const port = await listen(server);
  return {
    url: `redis://127.0.0.1:${port}`,
    /** The count since the last `take`, reset. */
    take(): RedisCount {
      const taken = count;
      count = { roundTrips: 0, commands: {} };
      return taken;
    },
    close: () => closeServer(server),
  };
}

/** Complete RESP commands at the start of `buffer` (upper-cased names) and the bytes after them. */
function parseCommands(buffer: Buffer): { names: string[]; rest: Buffer } {
  const names: string[] = [];
  let offset = 0;
  for (;;) {
    const parsed = parseCommand(buffer, offset);
    if (!parsed) break;
    names.push(parsed.name);
    offset = parsed.end;
  }
  return { names, rest: buffer.subarray(offset) };
}

function parseCommand(buffer: Buffer, start: number): { name: string; end: number } | undefined {
  const line = (from: number) => {
    const end = buffer.indexOf("\r\n", from);
    return end < 0 ? undefined : { text: buffer.toString("latin1", from, end), next: end + 2 };
  };
  const header = line(start);
  if (!header) return undefined;
  if (!header.text.startsWith("*")) {
    // An inline command (redis-cli style): one line.
    return { name: header.text.split(" ")[0]?.toUpperCase() ?? "", end: header.next };
  }
  const args = Number(header.text.slice(1));
  let offset = header.next;
  let name = "";
  for (let i = 0; i < args; i++) {
    const size = line(offset);
    if (!size) return undefined;
    const length = Number(size.text.slice(1));
    if (buffer.length < size.next + length + 2) return undefined;
    if (i === 0) name = buffer.toString("latin1", size.next, size.next + length).toUpperCase();
    offset = size.next + length + 2;
  }
  return { name, end: offset };
}

/**
 * An HTTP proxy in front of the DynamoDB engine that counts the API calls going through it by
 * operation (`X-Amz-Target`): every DynamoDB call is one HTTP request.
 */
export async function startDynamoCounter(endpoint: string) {
  const upstream = new URL(endpoint);
  let calls: Tally = {};
  const server = createHttpServer((req, res) => {
    const operation = String(req.headers["x-amz-target"] ?? "?")
      .split(".")
      .at(-1) as string;
    calls[operation] = (calls[operation] ?? 0) + 1;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => res.destroy(error));
    req.pipe(forward);
  });
  const port = await listen(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** The calls since the last `take`, reset. */
    take(): Tally {
      const taken = calls;
      calls = {};
      return taken;
    },
    close: () => closeServer(server),
  };
}

export function total(tally: Tally): number {
  return Object.values(tally).reduce((sum, n) => sum + n, 0);
}

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

function closeServer(server: Server | ReturnType<typeof createHttpServer>): Promise<void> {
  if ("closeAllConnections" in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
