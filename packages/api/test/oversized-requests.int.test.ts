import { Agent, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveApp } from "../src/node-server.js";
import { startTestApp, type TestApp } from "./harness.js";

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** One raw HTTP/1.1 request on a kept-alive agent (as browsers and SDKs send them). */
function send(
  port: number,
  agent: Agent,
  init: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        agent,
        method: init.method,
        path: init.path,
        headers: init.headers,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (init.body && init.chunked) {
      for (let i = 0; i < init.body.length; i += 64 * 1024) {
        req.write(init.body.subarray(i, i + 64 * 1024));
      }
      req.end();
    } else {
      req.end(init.body);
    }
  });
}

describe("oversized requests on the local server", { timeout: 120_000 }, () => {
  let t: TestApp;
  let key: string;
  let port: number;
  let server: ReturnType<typeof serveApp>;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["book"]);
    server = serveApp(t.app, { port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((done) => server.once("listening", () => done()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise<void>((done) => server.close(() => done()));
    await t.close();
  });

  it("answers a 2 MB text/plain body with a 413 problem+json every time, and the connection stays usable", async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, "x");
    const variants: Record<string, string>[] = [
      { "content-length": String(body.length) },
      { "transfer-encoding": "chunked" },
    ];
    for (let round = 0; round < 4; round++) {
      for (const framing of variants) {
        const withKey = { "x-api-key": key, "idempotency-key": `oversized-${round}` };
        for (const auth of [withKey, {}] as Record<string, string>[]) {
          const answer = await send(port, agent, {
            method: "POST",
            path: "/v1/bookings",
            headers: { "content-type": "text/plain", ...auth, ...framing },
            body,
            chunked: "transfer-encoding" in framing,
          });
          expect(answer.status).toBe(413);
          expect(answer.contentType).toContain("application/problem+json");
          expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: "payload_too_large" });
        }
      }
      // The same kept-alive connection serves the next request.
      expect((await send(port, agent, { method: "GET", path: "/health" })).status).toBe(200);
    }
  });

  it("answers oversized headers and URLs with a 431 problem+json", async () => {
    const header = await send(port, new Agent(), {
      method: "GET",
      path: "/v1/bookings",
      headers: { "x-api-key": key, "x-padding": "a".repeat(20_000) },
    });
    const url = await send(port, new Agent(), {
      method: "GET",
      path: `/v1/bookings?cursor=${"a".repeat(20_000)}`,
    });
    for (const answer of [header, url]) {
      expect(answer.status).toBe(431);
      expect(answer.contentType).toBe("application/problem+json");
      expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: "payload_too_large" });
    }
  });
});
