export { startValidatingProxy, type ValidatingProxy } from './proxy.js';
export { type Check, type Report, renderJson, renderJunit, renderText } from './report.js';
export { type VerifyOptions, verifyProvider } from './verify.js';
