// The contract as the checks see it: the bundled spec read through @payouts/model.
import { exampleOf, type Json, mediaTypeOf, type Node, type Operation } from '@payouts/model';

/** The documented status keys of an operation, as the spec writes them ('200', '4XX', 'default'). */
export const statusesOf = (op: Operation): string[] => op.responses.map((response) => response.status);

/** The JSON request body's schema, its first example and all its examples, when the operation takes one. */
export function jsonRequest(op: Operation): { schema: Node; example: Json | undefined; examples: Json[] } | undefined {
  const media = mediaTypeOf(op.requestBody?.content ?? [], 'application/json');
  if (!media?.schema) return undefined;
  const example = exampleOf(media);
  const named = media.examples.map((e) => e.value as Json);
  return { schema: media.schema, example, examples: example === undefined || named.includes(example) ? named : [example, ...named] };
}
