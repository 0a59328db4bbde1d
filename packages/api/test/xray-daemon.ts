import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";

export interface Subsegment {
  type: string;
  name: string;
  id: string;
  trace_id: string;
  parent_id?: string;
  start_time: number;
  end_time: number;
  namespace?: string;
}

/** A stand-in X-Ray daemon: the UDP socket Lambda's daemon listens on, collecting documents. */
export async function startDaemon(): Promise<XRayDaemon> {
  const received: Subsegment[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (message) => {
    const [header, body] = message.toString("utf8").split("\n");
    expect(JSON.parse(header ?? "")).toEqual({ format: "json", version: 1 });
    received.push(JSON.parse(body ?? "") as Subsegment);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return { received, address: `127.0.0.1:${port}`, close: () => socket.close() };
}

export interface XRayDaemon {
  received: Subsegment[];
  /** `AWS_XRAY_DAEMON_ADDRESS` of this daemon. */
  address: string;
  close(): void;
}

/** The spans of `traceId` once one named `root` has arrived (the root ends last). */
export async function spansOf(daemon: XRayDaemon, traceId: string, root: string) {
  for (let i = 0; i < 100; i++) {
    const spans = daemon.received.filter((s) => s.trace_id === traceId);
    if (spans.some((s) => s.name === root)) return spans;
    await sleep(20);
  }
  throw new Error(
    `no "${root}" span of ${traceId} arrived: ${JSON.stringify(daemon.received.map((s) => [s.name, s.trace_id]))}`,
  );
}

/** Every span hangs off the Lambda segment through its parents, inside its parent's time. */
export function expectTree(spans: Subsegment[], lambdaSegment: string) {
  const byId = new Map(spans.map((s) => [s.id, s]));
  for (const span of spans) {
    let node: Subsegment | undefined = span;
    while (node && node.parent_id !== lambdaSegment) {
      const parent = byId.get(node.parent_id ?? "");
      expect(parent, `${span.name}'s parent`).toBeDefined();
      expect(node.start_time).toBeGreaterThanOrEqual(parent?.start_time ?? 0);
      node = parent;
    }
    expect(span.end_time).toBeGreaterThanOrEqual(span.start_time);
  }
}
