export {
  type ApiDeployment,
  deploymentConfigs,
  LIVE_ALIAS,
  lambdaAppSpec,
  rollbackAlarmKeys,
} from "./app-spec.js";
export type { ReleaseEvent } from "./handler.js";
