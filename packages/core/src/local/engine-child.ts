import { type LocalEngineOptions, startLocalEngine } from "./engine.js";

/**
 * Child-process body of `startLocalEngineProcess`: runs dynalite in its own process (forked
 * with an IPC channel), reports the endpoint, and stops the engine when the parent says "stop".
 */
if (process.send) {
  // The parent went away (stop() disconnects, or it died): nothing is left to serve.
  process.once("disconnect", () => process.exit(0));
  const send = (message: unknown) => process.send?.(message);
  process.once("message", (options: LocalEngineOptions) => {
    startLocalEngine(options).then(
      (engine) => {
        process.on("message", (message) => {
          if (message === "stop") {
            engine.stop().then(
              () => send({ type: "stopped" }),
              (error: unknown) => send({ type: "error", message: String(error) }),
            );
          }
        });
        send({
          type: "ready",
          endpoint: engine.endpoint,
          tableName: engine.tableName,
          reused: engine.reused,
        });
      },
      (error: unknown) => send({ type: "error", message: String(error) }),
    );
  });
}
