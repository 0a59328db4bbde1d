import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The part of the Lambda Runtime API an execution environment's extensions talk to
 * (`/2020-01-01/extension/register`, `/extension/event/next`), so the API's internal
 * post-response extension runs as in AWS: it receives each INVOKE event and the invocation ends
 * when it asks for the next one. Invocations themselves are sent to the harness over IPC.
 */
export async function startExtensionsApi() {
  let registered = false;
  let parked: ServerResponse | undefined;
  let whenParked: (() => void) | undefined;

  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url === "/2020-01-01/extension/register") {
      req.resume();
      registered = true;
      res.writeHead(200, {
        "content-type": "application/json",
        "lambda-extension-identifier": `bench-${Date.now()}`,
      });
      res.end(JSON.stringify({ functionName: "travel-api", functionVersion: "$LATEST" }));
      return;
    }
    if (req.method === "GET" && req.url === "/2020-01-01/extension/event/next") {
      parked = res;
      whenParked?.();
      whenParked = undefined;
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const nextRequest = () =>
    parked ? Promise.resolve() : new Promise<void>((resolve) => (whenParked = resolve));

  return {
    /** `AWS_LAMBDA_RUNTIME_API` for the environment. */
    address,
    /** A new environment starts: forget the previous one's extension. */
    reset() {
      registered = false;
      parked?.destroy();
      parked = undefined;
      whenParked = undefined;
    },
    get registered() {
      return registered;
    },
    /**
     * Sends INVOKE `requestId` to the extension and resolves once it asks for its next event
     * (the invocation is over); at once when no extension registered.
     */
    async invoke(requestId: string): Promise<void> {
      if (!registered) return;
      await nextRequest();
      const res = parked as ServerResponse;
      parked = undefined;
      const done = nextRequest();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          eventType: "INVOKE",
          requestId,
          deadlineMs: Date.now() + 10_000,
          invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:travel-api",
        }),
      );
      await done;
    },
    close() {
      parked?.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
