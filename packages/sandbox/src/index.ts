export { DEFAULT_TOKEN, type Sandbox, type SandboxOptions, startSandbox } from './sandbox.js';
