import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: the server dies without closing connections cleanly. */
  kill(): Promise<void>;
  /** SIGSTOP: the server stalls (connections stay open, nothing is answered). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Start again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns a throwaway `redis-server` (no persistence) on a free port, for fault tests.
 *
 * @example
 * const server = await startRedisServer();
 * await server.kill(); // … calls fall open …
 * await server.restart();
 */
export async function startRedisServer({
  binary = "redis-server",
}: {
  binary?: string;
} = {}): Promise<RedisServerHandle> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    await waitForPort(port, 5_000);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    restart: start,
    stop: kill,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(20);
  }
  throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
}
