/// <reference path="./dynalite.d.ts" />
import type { Server } from "node:http";
import { createRequire } from "node:module";
import dynalite from "dynalite";
import { tableDefinition } from "../table.js";
import {
  type ChangeJournal,
  type ChangeJournalOptions,
  type EngineChange,
  type EngineChangeListener,
  type JournalLevel,
  journalKey,
  openChangeJournal,
  type WireItem,
} from "./change-journal.js";

export type { EngineChange, EngineChangeListener, WireItem } from "./change-journal.js";

type Callback = (error?: Error | null, value?: unknown) => void;

/** The part of dynalite's LevelDB wrapper (`db/index.js` `getSubDb`) the capture hooks. */
interface ItemDb {
  get(key: string, callback: Callback): void;
  put(key: string, value: WireItem, callback: Callback): void;
  del(key: string, callback: Callback): void;
  changeCaptureInstalled?: boolean;
}

interface DynaliteStore {
  getItemDb(tableName: string): ItemDb;
  /** The one LevelDB every sub-store is a key prefix of (`<sub>~<key>`). */
  db: JournalLevel;
}

/** The journal as the capture writes it (see `change-journal.ts`). */
type WritableJournal = Awaited<ReturnType<typeof openChangeJournal>>;

interface DynaliteDbModule {
  create(options: object): DynaliteStore;
}

const require = createRequire(import.meta.url);

/**
 * Starts dynalite with a change hook on its item store, so every committed item write by ANY
 * client of the engine (the app, the seed loader, a CLI) is reported with its old and new image.
 *
 * Why the store and not a DynamoDB client middleware: dynalite's actions (`putItem`,
 * `updateItem`, `deleteItem`, and `batchWriteItem`, which calls the first two) take a per-key
 * lock, read the old item, and `put`/`del` the new one before releasing it. Wrapping `put`/`del`
 * of the item db therefore runs under that lock: the old image we read is the one the write
 * replaced, and listeners are called in commit order per key. A client middleware would see
 * only its own client's writes and would have to re-read images outside the lock, where
 * concurrent writers can misorder them.
 *
 * Like DynamoDB Streams, a write that changes nothing (same item put again) and a delete of a
 * missing item produce no change. Listeners are called synchronously after the commit and
 * before the write is acknowledged, so they must only enqueue (they must not throw or block).
 */
export function startCapturingDynalite(options: Parameters<typeof dynalite>[0]): {
  server: Server;
  onChange(listener: EngineChangeListener): () => void;
  /**
   * Starts journaling the changes of the given lanes' entities durably (same LevelDB batch as
   * the item); call before the first write. See `change-journal.ts`.
   */
  openJournal(journal: ChangeJournalOptions): Promise<ChangeJournal>;
} {
  const listeners = new Set<EngineChangeListener>();
  const dynaliteDb = require("dynalite/db") as DynaliteDbModule;
  const originalCreate = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  // dynalite builds its store synchronously inside `dynalite()` through `db.create`; intercept
  // that one call (and put the module back at once) to get hold of this server's store.
  dynaliteDb.create = (storeOptions) => {
    store = originalCreate(storeOptions);
    return store;
  };
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    dynaliteDb.create = originalCreate;
  }
  if (!store) throw new Error("dynalite did not create its store through db.create");

  const captured = store;
  const state: CaptureState = { listeners, journal: undefined, level: captured.db };
  const originalGetItemDb = captured.getItemDb.bind(captured);
  captured.getItemDb = (tableName: string) => {
    const itemDb = originalGetItemDb(tableName);
    if (!itemDb.changeCaptureInstalled) installCapture(itemDb, tableName, state);
    return itemDb;
  };

  return {
    server,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async openJournal(journalOptions) {
      state.journal = await openChangeJournal(captured.db, journalOptions);
      return state.journal;
    },
  };
}

interface CaptureState {
  listeners: Set<EngineChangeListener>;
  journal: WritableJournal | undefined;
  level: JournalLevel;
}

function installCapture(itemDb: ItemDb, tableName: string, state: CaptureState): void {
  const { listeners } = state;
  const put = itemDb.put.bind(itemDb);
  const del = itemDb.del.bind(itemDb);
  const get = itemDb.get.bind(itemDb);
  // dynalite's item store is the key prefix `item-<table>~` of its one LevelDB (db/index.js).
  const itemPrefix = `item-${tableName}~`;
  itemDb.changeCaptureInstalled = true;

  /**
   * Writes the item (`value`, or its removal) and, when its entity is journaled, the change to
   * each of its lanes in ONE LevelDB batch: both are on disk, or neither.
   */
  function commit(
    key: string,
    value: WireItem | undefined,
    change: EngineChange,
    callback: Callback,
  ): void {
    const journal = state.journal;
    const lanes = journal?.lanesOf(entityOf(change)) ?? [];
    if (!journal || lanes.length === 0) {
      if (value) put(key, value, callback);
      else del(key, callback);
      return;
    }
    const operations: { type: "put" | "del"; key: string; value?: unknown }[] = [
      value
        ? { type: "put", key: itemPrefix + key, value }
        : { type: "del", key: itemPrefix + key },
    ];
    for (const lane of lanes) {
      operations.push({ type: "put", key: journalKey(lane, journal.nextSeq()), value: change });
    }
    state.level.batch(operations, (error) => {
      if (!error) for (const lane of lanes) journal.added(lane);
      callback(error);
    });
  }

  itemDb.put = (key, value, callback) => {
    if (listeners.size === 0 && !state.journal) return put(key, value, callback);
    get(key, (readError, old) => {
      if (readError && readError.name !== "NotFoundError") return callback(readError);
      const oldImage = old ? cloneImage(old as WireItem) : undefined;
      const newImage = cloneImage(value);
      if (oldImage && canonical(oldImage) === canonical(newImage)) {
        return put(key, value, callback);
      }
      const change: EngineChange = {
        tableName,
        eventName: oldImage ? "MODIFY" : "INSERT",
        keys: keysOf(newImage),
        ...(oldImage ? { oldImage } : {}),
        newImage,
        committedAt: Date.now(),
      };
      commit(key, value, change, (error) => {
        if (!error) emit(listeners, change);
        callback(error);
      });
    });
  };

  itemDb.del = (key, callback) => {
    if (listeners.size === 0 && !state.journal) return del(key, callback);
    get(key, (readError, old) => {
      if (readError && readError.name !== "NotFoundError") return callback(readError);
      if (!old) return del(key, callback);
      const oldImage = cloneImage(old as WireItem);
      const change: EngineChange = {
        tableName,
        eventName: "REMOVE",
        keys: keysOf(oldImage),
        oldImage,
        committedAt: Date.now(),
      };
      commit(key, undefined, change, (error) => {
        if (!error) emit(listeners, change);
        callback(error);
      });
    });
  };
}

function entityOf(change: EngineChange): string | undefined {
  return (change.newImage ?? change.oldImage)?.__edb_e__?.S;
}

function emit(listeners: Set<EngineChangeListener>, change: EngineChange): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (error) {
      // A listener must never fail the write that produced the change: report and go on.
      process.emitWarning(`engine change listener failed: ${String(error)}`, "ChangeCapture");
    }
  }
}

function keysOf(item: WireItem): WireItem {
  const keys: WireItem = {};
  for (const name of [tableDefinition.partitionKey, tableDefinition.sortKey]) {
    const value = item[name];
    if (value) keys[name] = value;
  }
  return keys;
}

/** A plain deep copy (dynalite builds items on null-prototype objects and may reuse them). */
function cloneImage(item: WireItem): WireItem {
  return JSON.parse(JSON.stringify(item)) as WireItem;
}

/** JSON with sorted object keys, to tell a real change from a write of the same item. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}
