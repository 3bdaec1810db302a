export { DEFAULT_CALLBACK_SECRET, DEFAULT_TOKEN, type Sandbox, type SandboxOptions, startSandbox } from './sandbox.js';
