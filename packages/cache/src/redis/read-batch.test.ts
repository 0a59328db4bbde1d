import { describe, expect, it } from "vitest";
import { type MgetClient, ReadBatch } from "./read-batch.js";

/** Pure batching logic over a stand-in client; the real server runs in test/read-batch.int.test.ts. */
function fakeClient(answer: (keys: string[]) => Promise<(Buffer | null)[]>) {
  const sent: string[][] = [];
  const client: MgetClient = {
    mgetBuffer: (keys) => {
      sent.push(keys);
      return answer(keys);
    },
  };
  return { client, sent };
}

const echo = (keys: string[]) =>
  Promise.resolve(keys.map((k) => (k.startsWith("missing") ? null : Buffer.from(k))));

function batchOver(client: MgetClient, maxKeys = 100, judge = (s: Buffer | null) => s?.toString()) {
  return new ReadBatch<string | undefined>({ client, seqKey: "seq", maxKeys, judge });
}

describe("ReadBatch", () => {
  it("sends nothing until the turn ends, then one MGET of each key once plus the sequence", async () => {
    const { client, sent } = fakeClient(echo);
    const batch = batchOver(client);
    const reads = [batch.read("a"), batch.read("b"), batch.read("a"), batch.read("missing")];
    expect(sent).toEqual([]);
    expect(reads[0]).toBe(reads[2]); // one key, one answer
    expect(await Promise.all(reads)).toEqual(["a", "b", "a", undefined]);
    expect(sent).toEqual([["a", "b", "missing", "seq"]]);
  });

  it("passes the sequence read in the same MGET to the judge", async () => {
    const { client } = fakeClient((keys) =>
      Promise.resolve(keys.map((k) => Buffer.from(k === "seq" ? "7" : k))),
    );
    const batch = new ReadBatch({
      client,
      seqKey: "seq",
      maxKeys: 10,
      judge: (stored, seq) => `${stored?.toString()}@${seq?.toString()}`,
    });
    expect(await Promise.all([batch.read("x"), batch.read("y")])).toEqual(["x@7", "y@7"]);
  });

  it("sends a full batch at once and never sends it again; later reads open a new one", async () => {
    const { client, sent } = fakeClient(echo);
    const batch = batchOver(client, 2);
    const first = [batch.read("a"), batch.read("b")];
    expect(sent).toEqual([["a", "b", "seq"]]);
    const second = batch.read("c");
    expect(await Promise.all([...first, second])).toEqual(["a", "b", "c"]);
    expect(sent).toEqual([
      ["a", "b", "seq"],
      ["c", "seq"],
    ]);
  });

  it("a read never joins a batch already sent, even for a key whose answer is still on its way", async () => {
    let answer!: (values: (Buffer | null)[]) => void;
    const { client, sent } = fakeClient((keys) =>
      sent.length === 1 ? new Promise((resolve) => (answer = resolve)) : echo(keys),
    );
    const batch = batchOver(client);
    const first = batch.read("a");
    await Promise.resolve(); // the turn ends: the first MGET is issued, its answer held back
    await new Promise((resolve) => process.nextTick(resolve));
    expect(sent).toEqual([["a", "seq"]]);
    const second = batch.read("a");
    expect(second).not.toBe(first);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(sent).toEqual([
      ["a", "seq"],
      ["a", "seq"],
    ]);
    answer([Buffer.from("old"), null]);
    expect(await first).toBe("old");
    expect(await second).toBe("a");
  });

  it("an answer that is not one value per key fails the batch instead of hanging it", async () => {
    const { client } = fakeClient(() => Promise.resolve([Buffer.from("only one")]));
    const batch = batchOver(client);
    const settled = await Promise.allSettled([batch.read("a"), batch.read("b")]);
    expect(settled.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((settled[0] as PromiseRejectedResult).reason.message).toMatch(
      /MGET of 3 keys answered 1 values/,
    );
  });

  it("a failed or throwing MGET fails every read of that batch, and the next turn starts clean", async () => {
    let mode: "reject" | "throw" | "ok" = "reject";
    const { client } = fakeClient((keys) => {
      if (mode === "throw") throw new Error("stream not writeable");
      if (mode === "reject") return Promise.reject(new Error("ECONNRESET"));
      return echo(keys);
    });
    const batch = batchOver(client);
    const rejected = await Promise.allSettled([batch.read("a"), batch.read("b")]);
    expect(rejected.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    mode = "throw";
    const thrown = await Promise.allSettled([batch.read("a")]);
    expect(thrown[0]).toMatchObject({
      status: "rejected",
      reason: { message: "stream not writeable" },
    });
    mode = "ok";
    expect(await batch.read("a")).toBe("a");
  });

  it("a judge that throws for one key fails only that read", async () => {
    const { client } = fakeClient(echo);
    const batch = batchOver(client, 100, (stored) => {
      if (stored?.toString() === "bad") throw new Error("corrupt header");
      return stored?.toString();
    });
    const settled = await Promise.allSettled([batch.read("good"), batch.read("bad")]);
    expect(settled[0]).toEqual({ status: "fulfilled", value: "good" });
    expect(settled[1]).toMatchObject({ status: "rejected", reason: { message: "corrupt header" } });
  });
});
