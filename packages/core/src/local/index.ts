export { parseSearchEventBatch } from "../repositories/search-events.js";
export type {
  SeedInventoryOptions,
  SeedingHandle,
  SeedProgress,
  SeedSummary,
} from "../seed/seed.js";
export { seedInventory, startSeeding } from "../seed/seed.js";
export type { EngineChange, EngineChangeListener, WireItem } from "./change-capture.js";
export type { ChangeJournal, ChangeJournalOptions, JournalEntry } from "./change-journal.js";
export { createTableInput } from "./create-table.js";
export type { LocalEngine, LocalEngineOptions, RunningLocalEngine } from "./engine.js";
export {
  findRunningLocalEngine,
  LOCAL_CREDENTIALS,
  LocalDataDirInUseError,
  startLocalEngine,
} from "./engine.js";
export { type LocalEngineProcess, startLocalEngineProcess } from "./engine-process.js";
export { scanSearchEvents } from "./inspect.js";
