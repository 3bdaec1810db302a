// The spec's own request examples, so the runtime tests send what the contract shows callers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OperationId, RequestBody } from '../types.js';

interface SpecOperation {
  operationId: OperationId;
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, unknown>;
}

const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@payouts/spec/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, SpecOperation>>;
};

export const specOperations: SpecOperation[] = Object.values(spec.paths).flatMap((item) => Object.values(item).filter((value) => 'operationId' in value));

/** A named request example of an operation (its first one when no name is given). */
export function requestExample<Op extends OperationId>(operationId: Op, name?: string): RequestBody<Op> {
  const examples = specOperations.find((operation) => operation.operationId === operationId)?.requestBody?.content['application/json']?.examples ?? {};
  const example = name === undefined ? Object.values(examples)[0] : examples[name];
  if (example === undefined) throw new Error(`the spec has no request example ${name ?? ''} for ${operationId}`);
  return example.value as RequestBody<Op>;
}
