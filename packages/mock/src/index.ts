export { type Mock, type MockOptions, startMock } from './mock.js';
export { type PrismLogLevel, type PrismOptions, type PrismProcess, startPrism } from './prism.js';
export { type ContractViolation, ContractViolationError, formatViolation } from './violations.js';
