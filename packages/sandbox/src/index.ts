export { startSandbox, DEFAULT_TOKEN, type Sandbox, type SandboxOptions } from './sandbox.js';
