export { startMock, type Mock, type MockOptions } from './mock.js';
export { ContractViolationError, formatViolation, type ContractViolation } from './violations.js';
export { PortInUseError } from './prism.js';
export type { Operation } from './spec.js';
