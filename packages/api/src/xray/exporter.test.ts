import { describe, expect, it } from "vitest";
import { daemonAddress, xrayTraceId } from "./exporter.js";

describe("X-Ray daemon exporter", () => {
  it("writes an OpenTelemetry trace id the way X-Ray does", () => {
    expect(xrayTraceId("5759e988bd862e3fe1be46a994272793")).toBe(
      "1-5759e988-bd862e3fe1be46a994272793",
    );
  });

  it("reads AWS_XRAY_DAEMON_ADDRESS in both of Lambda's forms, and refuses anything else", () => {
    expect(daemonAddress("169.254.79.129:2000")).toEqual({ host: "169.254.79.129", port: 2000 });
    expect(daemonAddress("udp:127.0.0.1:2000 tcp:127.0.0.1:2001")).toEqual({
      host: "127.0.0.1",
      port: 2000,
    });
    expect(() => daemonAddress("localhost")).toThrow(/AWS_XRAY_DAEMON_ADDRESS must be host:port/);
  });
});
