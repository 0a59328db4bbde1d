export {
  type AlarmSpec,
  alarmSpecs,
  businessMetrics,
  type Comparison,
  dashboardBody,
  type MetricRef,
  type MonitoredResources,
} from "./monitoring.js";
export {
  aggregatedEntities,
  lambdaEnvironment,
  rateExpression,
  streamFilterPatterns,
} from "./runtime-env.js";
export {
  type DeployEnv,
  deployEnvSchema,
  parseStageConfig,
  productionStages,
  profileFor,
  resolveStageConfig,
  type StageConfig,
  StageConfigError,
  type StageConfigInput,
  stageConfigSchema,
} from "./stage.js";
export { type DynamoTableArgs, dynamoTableArgs, type TableDeclaration } from "./table-args.js";
