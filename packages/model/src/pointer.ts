// JSON pointers (RFC 6901) as OpenAPI writes them in `$ref`: `#/components/schemas/Payout`.
// `~1` stands for `/` and `~0` for `~`, decoded in that order.

export const escapeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
export const unescapeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** `['paths', '/v1/x/', 'get']` -> `#/paths/~1v1~1x~1/get`. */
export function formatPointer(segments: readonly string[]): string {
  return `#/${segments.map(escapeSegment).join('/')}`;
}

/** The segments of a pointer, with or without its leading `#`; `''`, `'#'` and `'/'` are the root. */
export function parsePointer(pointer: string): string[] {
  const path = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (path === '' || path === '/') return [];
  if (!path.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer: it must start with "/" (or "#/")`);
  return path.slice(1).split('/').map(unescapeSegment);
}

/** The value a pointer names in `root`, or undefined when nothing is there. */
export function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** `/results/0/amount` -> `results[0].amount`, the way a person names a field; `(body)` for the root. */
export function fieldName(pointer: string): string {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return '(body)';
  return segments.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}
