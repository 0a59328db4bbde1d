import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LocalEngineOptions } from "./engine.js";

export interface LocalEngineProcess {
  endpoint: string;
  tableName: string;
  reused: boolean;
  stop(): Promise<void>;
}

type ChildMessage =
  | { type: "ready"; endpoint: string; tableName: string; reused: boolean }
  | { type: "stopped" }
  | { type: "error"; message: string };

/**
 * Starts the embedded engine in a child process, so a bulk loader in this process (`pnpm seed`)
 * and the engine each get a core instead of sharing one (a worker thread would do, but does not
 * inherit tsx's loader on Node 20). Talk to it over `endpoint`. Local mode
 * keeps the engine in-process instead, because its change capture hooks the engine's store.
 *
 * @example
 * const engine = await startLocalEngineProcess({ dataDir: ".data/dynamo" });
 * const clients = createDynamoClients({ endpoint: engine.endpoint, credentials: LOCAL_CREDENTIALS });
 * await engine.stop();
 */
export function startLocalEngineProcess(
  options: LocalEngineOptions = {},
): Promise<LocalEngineProcess> {
  // Sources run through tsx during development (the child inherits --import tsx); dist is .js.
  const extension = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const sourceArgs = ["--conditions=@travel/source", "--import", "tsx"];
  const child = fork(fileURLToPath(new URL(`./engine-child.${extension}`, import.meta.url)), {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // A test runner's own loader is not ours to inherit: sources need tsx, dist needs nothing.
    execArgv: extension === "ts" ? sourceArgs : [],
  });
  child.send(options);
  return new Promise((resolve, reject) => {
    const onStartup = (message: ChildMessage) => {
      if (message.type === "error") {
        child.kill();
        reject(new Error(message.message));
        return;
      }
      if (message.type !== "ready") return;
      child.off("message", onStartup);
      resolve({
        endpoint: message.endpoint,
        tableName: message.tableName,
        reused: message.reused,
        stop: () =>
          new Promise<void>((done, fail) => {
            child.once("message", (reply: ChildMessage) => {
              child.disconnect();
              if (reply.type === "error") fail(new Error(reply.message));
              else done();
            });
            child.send("stop");
          }),
      });
    };
    child.on("message", onStartup);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`embedded engine process exited with ${code}`)));
  });
}
