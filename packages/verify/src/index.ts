export { verifyProvider, type VerifyOptions } from './verify.js';
export { renderText, renderJunit, renderJson, type Report, type Check } from './report.js';
export { startValidatingProxy, type ValidatingProxy } from './proxy.js';
