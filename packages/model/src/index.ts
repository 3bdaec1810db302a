export { Ajv2020, type AjvOptions, createAjv, DOC_ID, type ErrorObject, type ValidateFunction } from './ajv.js';
export {
  answerBodyOf,
  type CheckedParts,
  type Diagnostic,
  type DiagnosticLocation,
  jsonBodyOf,
  type RequestCheck,
  type RequestParts,
  type ResponseCheck,
  type ResponseParts,
  type Side,
  TAG_VALUES,
} from './contract.js';
export {
  addFieldError,
  describePosition,
  emptyFieldErrors,
  errorBodyOf,
  type FieldErrors,
  renderErrors,
} from './error-body.js';
export {
  type Example,
  exampleOf,
  HTTP_METHODS,
  type HttpMethod,
  type Json,
  type MediaType,
  mediaTypeOf,
  type Node,
  type Operation,
  type Parameter,
  pathPattern,
  type RequestBody,
  type Response,
  SpecModel,
} from './model.js';
export { escapeSegment, fieldName, formatPointer, parsePointer, unescapeSegment, valueAt } from './pointer.js';
export { declaredChildren, type JsonType, jsonTypeOf, pathParamsOf, schemaPartsOf, typesAllowed } from './schema-reading.js';
