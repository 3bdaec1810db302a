// The spec's own request examples, so the runtime tests send what the contract shows callers.
import { exampleOf, mediaTypeOf } from '@payouts/model';
import { loadSpec } from '@payouts/spec';
import type { OperationId, RequestBody } from '../types.js';

export const spec = loadSpec();

/** A named request example of an operation (its first one when no name is given). */
export function requestExample<Op extends OperationId>(operationId: Op, name?: string): RequestBody<Op> {
  const media = mediaTypeOf(spec.operation(operationId).requestBody?.content ?? [], 'application/json');
  const example = name === undefined ? exampleOf(media) : media?.examples.find((e) => e.name === name)?.value;
  if (example === undefined) throw new Error(`the spec has no request example ${name ?? ''} for ${operationId}`);
  return example as RequestBody<Op>;
}

/** The first example of an operation's answer with this status. */
export function responseExample(operationId: OperationId, status: string): unknown {
  const response = spec.operation(operationId).responses.find((r) => r.status === status);
  const example = exampleOf(mediaTypeOf(response?.content ?? [], 'application/json'));
  if (example === undefined) throw new Error(`the spec has no ${status} example for ${operationId}`);
  return example;
}
