export { type AppType, createApp, OPENAPI_INFO } from "./app.js";
export { type AppConfig, loadConfig } from "./config.js";
export {
  type AppDeps,
  type AppDepsOverrides,
  type Clock,
  createAppDeps,
  systemClock,
} from "./deps.js";
export type { AppEnv, AppVariables } from "./env.js";
export {
  ConfigError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationFailedError,
} from "./errors.js";
export { type ApiLambdaEvent, createLambdaHandler } from "./lambda-handler.js";
export {
  createErrorHandler,
  isDependencyUnavailable,
  type Problem,
  problemResponse,
  problemResponses,
  problemSchema,
  zodIssuesToErrors,
} from "./problem.js";
export { API_KEY_SECURITY, createRouter } from "./router.js";
