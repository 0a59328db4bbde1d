import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A DynamoDB item in wire form (`{ pk: { S: "..." } }`), as the engine stores it. */
export type WireItem = Record<string, AttributeValue>;

/** One committed item write, captured inside the engine (the raw material of a stream record). */
export interface EngineChange {
  tableName: string;
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  keys: WireItem;
  oldImage?: WireItem;
  newImage?: WireItem;
  /** Epoch ms at commit. */
  committedAt: number;
}

export type EngineChangeListener = (change: EngineChange) => void;

/**
 * Which committed writes the engine journals, and where: lane name → the entities
 * (`__edb_e__`) whose changes go to that lane. A change goes to every lane listing its entity;
 * each lane has one reader (a local change feed), which removes what it delivered.
 */
export interface ChangeJournalOptions {
  lanes: Readonly<Record<string, readonly string[]>>;
}

/** One journaled change: its sequence number (increasing in commit order per item) and the change. */
export interface JournalEntry {
  /** Decimal digits, fixed width: compares as a string, unique in this data directory. */
  seq: string;
  change: EngineChange;
}

/**
 * The engine's change journal: every committed write of a journaled entity, written into the
 * engine's own LevelDB in the SAME atomic batch as the item itself, so a write is acknowledged
 * only once its change is on disk, and a `kill -9` can lose neither without the other. Lanes
 * are read oldest first and entries stay until their reader removes them (nothing expires or is
 * dropped for size), so a restart on the same data directory resumes where delivery stopped.
 */
export interface ChangeJournal {
  readonly lanes: readonly string[];
  /** The lanes a change of this entity goes to (empty: not journaled). */
  lanesOf(entity: string | undefined): readonly string[];
  /** Up to `limit` of the lane's oldest entries. */
  read(lane: string, limit: number): Promise<JournalEntry[]>;
  /** Removes delivered entries (by `seq`) from the lane. */
  remove(lane: string, seqs: readonly string[]): Promise<void>;
  /** Entries in the lane now (kept in memory, counted from disk at start). */
  size(lane: string): number;
}

/** The LevelDB instance dynalite keeps everything in (promise API of abstract-level). */
export interface JournalLevel {
  batch(
    operations: { type: "put" | "del"; key: string; value?: unknown }[],
    callback: (error?: Error | null) => void,
  ): void;
  keys(options: { gt?: string; gte?: string; lt?: string; limit?: number; reverse?: boolean }): {
    all(): Promise<string[]>;
  };
  iterator(options: { gte?: string; lt?: string; limit?: number }): {
    all(): Promise<[string, unknown][]>;
  };
}

const PREFIX = "~journal~";
const SEQ_WIDTH = 24;
const laneStart = (lane: string) => `${PREFIX}${lane}~`;
const laneEnd = (lane: string) => `${PREFIX}${lane}~\xff`;
export const journalKey = (lane: string, seq: string) => `${laneStart(lane)}${seq}`;

/**
 * Opens the journal on dynalite's LevelDB: counts each lane's entries and continues the
 * sequence after the highest one on disk (or from the clock, whichever is higher).
 */
export async function openChangeJournal(
  level: JournalLevel,
  options: ChangeJournalOptions,
): Promise<ChangeJournal & { nextSeq(): string; added(lane: string): void }> {
  const lanes = Object.keys(options.lanes);
  const byEntity = new Map<string, string[]>();
  for (const [lane, entities] of Object.entries(options.lanes)) {
    if (lane.includes("~")) throw new Error(`journal lane names cannot hold "~": ${lane}`);
    for (const entity of entities) byEntity.set(entity, [...(byEntity.get(entity) ?? []), lane]);
  }
  const sizes = new Map<string, number>();
  let sequence = BigInt(Date.now()) * 1_000_000n;
  for (const lane of lanes) {
    const keys = await level.keys({ gte: laneStart(lane), lt: laneEnd(lane) }).all();
    sizes.set(lane, keys.length);
    const last = keys.at(-1);
    if (last) {
      const seq = BigInt(last.slice(laneStart(lane).length));
      if (seq >= sequence) sequence = seq + 1n;
    }
  }

  return {
    lanes,
    lanesOf: (entity) => (entity === undefined ? [] : (byEntity.get(entity) ?? [])),
    nextSeq() {
      sequence += 1n;
      return sequence.toString().padStart(SEQ_WIDTH, "0");
    },
    added(lane) {
      sizes.set(lane, (sizes.get(lane) ?? 0) + 1);
    },
    async read(lane, limit) {
      const entries = await level
        .iterator({ gte: laneStart(lane), lt: laneEnd(lane), limit })
        .all();
      return entries.map(([key, value]) => ({
        seq: key.slice(laneStart(lane).length),
        change: value as EngineChange,
      }));
    },
    async remove(lane, seqs) {
      if (seqs.length === 0) return;
      await new Promise<void>((resolve, reject) =>
        level.batch(
          seqs.map((seq) => ({ type: "del" as const, key: journalKey(lane, seq) })),
          (error) => (error ? reject(error) : resolve()),
        ),
      );
      sizes.set(lane, Math.max(0, (sizes.get(lane) ?? 0) - seqs.length));
    },
    size: (lane) => sizes.get(lane) ?? 0,
  };
}
