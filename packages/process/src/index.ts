export { isUsageError, parsePort, UsageError } from './cli.js';
export { connectHost, findFreePort, httpUrl, isLoopback, isPortFree, listen, listenError, PortInUseError, type ListenOptions } from './net.js';
export { REDOCLY_CLI, REDOCLY_ENV, runRedocly, withoutRedoclyNotice } from './redocly.js';
export { exitOf, forwardLines, killGroup, run, runNode, type RunOptions, type RunResult, type StartedProcess, startProcess } from './run.js';
export { childProcesses, describeProcess, descendantsOf, isAlive, listeningPorts, waitFor } from './tree.js';
export { copyWorkspace } from './workspace-copy.js';
