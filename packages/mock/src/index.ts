export { startMock, type Mock, type MockOptions } from './mock.js';
export { ContractViolationError, formatViolation, type ContractViolation } from './violations.js';
export { PortInUseError, startPrism, type PrismLogLevel, type PrismOptions, type PrismProcess } from './prism.js';
export type { Operation } from './spec.js';
