export { BodyExpectation, locationOf, SUPPORTED_MATCHERS } from './expectation.js';
export {
  type Contract,
  ContractInputError,
  type Interaction,
  type Matcher,
  type PactRequest,
  type PactResponse,
  parseContract,
  parseJsonPath,
  type Rule,
  type Rules,
  readContract,
} from './pact.js';
export { renderJson, renderMatrix, renderText } from './render.js';
export { type OperationUse, usageByOperation } from './usage.js';
export { type ConsumerVerdict, type InteractionVerdict, judgeContract, judgeInteraction, type Problem } from './verdict.js';
export {
  type ContractsReport,
  DEFAULT_CONTRACTS_DIR,
  judgeContracts,
  loadModel,
  readContracts,
  registeredContracts,
  resolveSpec,
  type VerifyOptions,
  verifyContracts,
} from './verify.js';
