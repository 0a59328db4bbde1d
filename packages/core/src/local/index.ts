export { createTableInput } from "./create-table.js";
export type { LocalEngine, LocalEngineOptions } from "./engine.js";
export { LOCAL_CREDENTIALS, startLocalEngine } from "./engine.js";
