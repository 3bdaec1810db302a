// The spec as the tests read it, through the one model every package uses.
import { signCallback } from '@payouts/callbacks';
import { exampleOf, mediaTypeOf, type Operation } from '@payouts/model';
import { loadSpec } from '@payouts/spec';

export const model = loadSpec();
export const operations = model.operations;
export const operationById = (operationId: string): Operation => model.operation(operationId);
/** The spec's named examples (`components.examples`), by name. */
export const namedExample = (name: string): unknown => model.document.components.examples[name].value;

/**
 * A request the spec calls valid: its path parameters' and body's first examples, signed when the
 * operation is the provider's callback (Prism checks that the signature header is there).
 */
export function validRequest(operation: Operation): { method: string; path: string; body?: string; headers: Record<string, string> } {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    String(operation.parameters.find((p) => p.in === 'path' && p.name === name)?.example),
  );
  const example = exampleOf(mediaTypeOf(operation.requestBody?.content ?? [], 'application/json'));
  const body = example === undefined ? undefined : JSON.stringify(example);
  const signed = operation.securitySchemes.includes('callbackSignature');
  const headers: Record<string, string> = signed ? { 'X-Payout-Signature': signCallback(body ?? '', 'test-callback-secret') } : {};
  return { method: operation.method, path, body, headers };
}

/** ajv's errors for a body against the schema of one documented response, or [] if it validates. */
export function responseErrors(method: string, path: string, status: string, mediaType: string, body: unknown): string[] {
  const operation = model.operations.find((op) => op.method === method.toUpperCase() && op.path === path);
  const media = mediaTypeOf(operation?.responses.find((r) => r.status === status)?.content ?? [], mediaType);
  if (!media) throw new Error(`the spec documents no ${mediaType} ${status} for ${method} ${path}`);
  const validate = model.validator(media.schemaPointer);
  return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
