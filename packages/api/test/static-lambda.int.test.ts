import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../src/static-lambda.js";
import { startTestApp, type TestApp } from "./harness.js";

/** What API Gateway (HTTP API, payload 2.0) sends the static-assets function for `GET <path>`. */
function assetEvent(path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "GET /docs/{asset}",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "abc123.execute-api.us-east-1.amazonaws.com", ...headers },
    pathParameters: { asset: path.split("/").at(-1) ?? "" },
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
      routeKey: "GET /docs/{asset}",
      stage: "$default",
      time: "10/Mar/2020:05:16:23 +0000",
      timeEpoch: 1583817383220,
    },
    isBase64Encoded: false,
  };
}

const invoke = async (path: string, headers?: Record<string, string>) =>
  (await handler(
    assetEvent(path, headers) as unknown as Parameters<typeof handler>[0],
    {} as Context,
  )) as APIGatewayProxyStructuredResultV2;

// Deployed stages route `GET /docs/{asset}` to this function (infra `STATIC_ASSETS_FUNCTION`):
// it must answer what the API itself answers locally.
describe("the static-assets Lambda", () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await startTestApp();
  });
  afterAll(async () => {
    await local.close();
  });

  it("serves Swagger UI's files with the body and headers the local server gives them", async () => {
    for (const asset of [
      "/docs/swagger-ui.css",
      "/docs/swagger-ui-bundle.js",
      "/docs/swagger-ui-standalone-preset.js",
      "/docs/init.js",
    ]) {
      const [lambda, server] = [await invoke(asset), await local.request(asset)];
      expect(lambda.statusCode, asset).toBe(200);
      expect(lambda.body, asset).toBe(await server.text());
      for (const name of [
        "content-type",
        "cache-control",
        "x-content-type-options",
        "strict-transport-security",
      ]) {
        expect(lambda.headers?.[name], `${asset} ${name}`).toBe(
          server.headers.get(name) ?? undefined,
        );
      }
      expect(lambda.headers?.["x-request-id"], asset).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("answers an unknown asset with the API's 404 problem", async () => {
    const answer = await invoke("/docs/other.js");
    expect(answer.statusCode).toBe(404);
    expect(answer.headers?.["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(answer.body ?? "{}")).toMatchObject({ code: "not_found", status: 404 });
  });

  it("gzips what a browser accepts gzipped, as the API does", async () => {
    const answer = await invoke("/docs/swagger-ui-bundle.js", { "accept-encoding": "gzip" });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.["content-encoding"]).toBe("gzip");
    expect(answer.isBase64Encoded).toBe(true);
    expect(answer.headers?.vary).toBe("Accept-Encoding");
  });
});
