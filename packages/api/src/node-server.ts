import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { PROBLEM_CONTENT_TYPE } from "./problem.js";

/** Node's default header budget (request line + headers); larger is a 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

interface FetchApp {
  fetch: Parameters<typeof serve>[0]["fetch"];
}

/**
 * Serves the app on Node's HTTP server (local mode and tests). A request line + headers over
 * 16 KB (`HPE_HEADER_OVERFLOW`) is answered as a 431 problem+json instead of Node's empty 431,
 * and other unparsable requests as a 400 problem+json: they never reach the app. (Refused
 * bodies are the `bodyLimit` middleware's, which reads them before answering 413.) In AWS,
 * API Gateway answers these itself before the function runs.
 *
 * @example
 * const server = serveApp(createApp(deps), { port: 3000, hostname: "127.0.0.1" });
 */
export function serveApp(app: FetchApp, options: { port: number; hostname: string }): Server {
  const server = serve({
    fetch: app.fetch,
    port: options.port,
    hostname: options.hostname,
    serverOptions: { maxHeaderSize: MAX_HEADER_BYTES },
  }) as Server;
  server.on("clientError", answerClientError);
  return server;
}

function rawProblem(status: 400 | 431, title: string, detail: string): string {
  const body = JSON.stringify({
    type: `urn:travel:problem:${status === 431 ? "payload_too_large" : "validation_failed"}`,
    title,
    status,
    detail,
    code: status === 431 ? "payload_too_large" : "validation_failed",
    requestId: "unknown",
  });
  return [
    `HTTP/1.1 ${status} ${title}`,
    `content-type: ${PROBLEM_CONTENT_TYPE}`,
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    "",
    body,
  ].join("\r\n");
}

/** Node's `clientError`: the request never reached the app (it could not be parsed). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const answer =
    error.code === "HPE_HEADER_OVERFLOW"
      ? rawProblem(
          431,
          "Request Header Fields Too Large",
          `The request line and headers are larger than ${MAX_HEADER_BYTES / 1024} KB.`,
        )
      : rawProblem(400, "Bad Request", "The request is not valid HTTP.");
  socket.end(answer);
}
