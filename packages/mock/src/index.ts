export { startMock, type Mock, type MockOptions } from './mock.js';
export { startPrism, type PrismLogLevel, type PrismOptions, type PrismProcess } from './prism.js';
export { ContractViolationError, formatViolation, type ContractViolation } from './violations.js';
