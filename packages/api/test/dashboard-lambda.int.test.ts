/**
 * Issue 23: the live operations page in a deployed stage. `src/dashboard-lambda.ts` is the small
 * Lambda the stage routes `GET /dashboard` and `GET /dashboard/{proxy+}` to
 * (`packages/infra/src/stack/dashboard-page.ts`; its routing and the copied files are asserted by
 * the infra stack tests). Here it runs as Lambda runs it: the page's files copied to
 * `$LAMBDA_TASK_ROOT/dashboard`, uPlot installed beside it, API Gateway payload 2.0 events.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pageDir = fileURLToPath(new URL("../dashboard/", import.meta.url));
const uplotDir = dirname(createRequire(import.meta.url).resolve("uplot/package.json"));

function event(path: string): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: path === "/dashboard" ? "GET /dashboard" : "GET /dashboard/{proxy+}",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "abc123.execute-api.us-east-1.amazonaws.com", accept: "*/*" },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: "GET",
        path,
        protocol: "HTTP/1.1",
        sourceIp: "205.255.255.176",
        userAgent: "vitest",
      },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey: "GET /dashboard",
      stage: "$default",
      time: "10/Mar/2020:05:16:23 +0000",
      timeEpoch: 1583817383220,
    },
    isBase64Encoded: false,
  };
}

describe("the live operations page's Lambda (deployed stages)", () => {
  let taskRoot: string;
  let invoke: (path: string) => Promise<APIGatewayProxyResult>;
  const previousRoot = process.env.LAMBDA_TASK_ROOT;

  beforeAll(async () => {
    // The layout SST builds: `copyFiles` puts packages/api/dashboard at <root>/dashboard.
    taskRoot = mkdtempSync(join(tmpdir(), "dashboard-lambda-"));
    cpSync(pageDir, join(taskRoot, "dashboard"), { recursive: true });
    process.env.LAMBDA_TASK_ROOT = taskRoot;
    const { handler } = await import("../src/dashboard-lambda.js");
    invoke = async (path) =>
      (await handler(event(path) as never, {} as Context)) as unknown as APIGatewayProxyResult;
  });

  afterAll(() => {
    if (previousRoot === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = previousRoot;
    rmSync(taskRoot, { recursive: true, force: true });
  });

  it("serves the page from the copied files, with its content security policy", async () => {
    const page = await invoke("/dashboard");
    expect(page.statusCode).toBe(200);
    expect(page.headers?.["content-type"]).toMatch(/^text\/html/);
    expect(page.headers?.["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).toBe(readFileSync(join(pageDir, "index.html"), "utf8"));
  });

  it("serves every file the page references: its script and style, and uPlot's", async () => {
    const html = readFileSync(join(pageDir, "index.html"), "utf8");
    const referenced = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1]);
    expect(referenced.sort()).toEqual([
      "/dashboard/dashboard.css",
      "/dashboard/dashboard.js",
      "/dashboard/uPlot.iife.min.js",
      "/dashboard/uPlot.min.css",
    ]);
    for (const path of referenced as string[]) {
      const file = await invoke(path);
      expect(file.statusCode, path).toBe(200);
      const name = path.slice("/dashboard/".length);
      const source = name.startsWith("uPlot")
        ? join(uplotDir, "dist", name)
        : join(taskRoot, "dashboard", name);
      expect(file.body, path).toBe(readFileSync(source, "utf8"));
    }
  });

  it("answers 404 for anything else under /dashboard", async () => {
    expect((await invoke("/dashboard/../../etc/passwd")).statusCode).toBe(404);
    expect((await invoke("/dashboard/secrets.json")).statusCode).toBe(404);
  });
});
