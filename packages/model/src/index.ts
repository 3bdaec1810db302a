export { createAjv, DOC_ID, Ajv2020, type AjvOptions, type ErrorObject, type ValidateFunction } from './ajv.js';
export {
  exampleOf,
  HTTP_METHODS,
  mediaTypeOf,
  pathPattern,
  SpecModel,
  type Example,
  type HttpMethod,
  type Json,
  type MediaType,
  type Node,
  type Operation,
  type Parameter,
  type RequestBody,
  type Response,
} from './model.js';
export { escapeSegment, fieldName, formatPointer, parsePointer, unescapeSegment, valueAt } from './pointer.js';
