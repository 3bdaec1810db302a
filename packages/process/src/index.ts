export { isUsageError, parsePort, scriptArgs, UsageError } from './cli.js';
export {
  answerClientError,
  answerClientErrors,
  type CorsPolicy,
  corsPolicy,
  hostGuard,
  isLoopbackHostHeader,
  misdirectedDetail,
  normalOrigin,
  REQUEST_TIMEOUT_MS,
  refuseMisdirected,
  SERVER_LIMITS,
} from './http-guard.js';
export {
  connectHost,
  findFreePort,
  httpUrl,
  isLoopback,
  type ListenOptions,
  listen,
  listenError,
  PortInUseError,
} from './net.js';
export { runRedocly } from './redocly.js';
export {
  exitOf,
  forwardLines,
  killGroup,
  type RunOptions,
  type RunResult,
  run,
  runNode,
  type StartedProcess,
  startProcess,
} from './run.js';
export { childProcesses, descendantsOf, describeProcess, isAlive, listeningPorts, waitFor } from './tree.js';
export { WorkerClient } from './worker.js';
