// What each part of an operation puts on the wire, so that a change that alters none of it (a
// schema renamed, a `$ref` moved, `format: int64` on an integer already bounded, `enum` beside an
// equal `const`, a description) is told apart from one that does. A part is one parameter, one
// request body media type, the credentials, or one response status; its wire form is the part with
// every `$ref` followed, annotations (descriptions, titles, examples) left out, and what says the
// same thing written one way.
import { escapeSegment, type Node, type SpecModel } from '@payouts/model';

/** Keywords that say nothing about what is sent or accepted. */
const ANNOTATIONS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', '$comment', 'deprecated']);
const INT32 = 2 ** 31;

export interface WirePart {
  /** `request parameter query:status`, `request body application/json`, `response 200`. */
  key: string;
  /** Where the part is in its bundle. */
  pointer: string;
  /** The components (`#/components/schemas/Payout`) it reaches, through any number of `$ref`s. */
  reaches: Set<string>;
  wire: string;
}

/** Whether `format` only restates what the type and bounds already say (JSON carries no integer width). */
function formatSaysNothing(schema: Node): boolean {
  const types = [schema.type].flat();
  if (!types.includes('integer')) return false;
  if (schema.format === 'int64') return true;
  const bounded = typeof schema.minimum === 'number' && typeof schema.maximum === 'number';
  return schema.format === 'int32' && bounded && schema.minimum >= -INT32 && schema.maximum < INT32;
}

function wireForm(model: SpecModel, value: unknown, reaches: Set<string>, stack: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => wireForm(model, item, reaches, stack));
  if (!value || typeof value !== 'object') return value;
  const node = value as Node;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (ref.startsWith('#/components/')) reaches.add(ref.split('/').slice(0, 4).join('/'));
    // A schema that contains itself is compared by where the loop closes.
    if (stack.includes(ref)) return { $loop: stack.length - stack.indexOf(ref) };
    return wireForm(model, model.at(ref), reaches, [...stack, ref]);
  }
  const form: Node = {};
  for (const key of Object.keys(node).sort()) {
    // Named examples are off the wire, but the components they come from are still reached.
    if (key === 'examples') wireForm(model, node[key], reaches, stack);
    if (ANNOTATIONS.has(key) || (key.startsWith('x-') && key !== 'x-extensible-enum')) continue;
    if (key === 'format' && formatSaysNothing(node)) continue;
    // `enum: [X]` beside `const: X` (for tools that do not read const) says what const says.
    if (key === 'enum' && Array.isArray(node.enum) && node.enum.length === 1 && 'const' in node) {
      if (JSON.stringify(node.enum[0]) === JSON.stringify(node.const)) continue;
    }
    form[key] = wireForm(model, node[key], reaches, stack);
  }
  return form;
}

function part(model: SpecModel, key: string, pointer: string, value: unknown): WirePart {
  const reaches = new Set<string>();
  return { key, pointer, reaches, wire: JSON.stringify(wireForm(model, value, reaches, [])) };
}

/** Each operation's parts on one side, by `operationId side` (`createPayout response`). */
export function wireParts(model: SpecModel): Map<string, WirePart[]> {
  const parts = new Map<string, WirePart[]>();
  const schemes = (model.document.components?.securitySchemes ?? {}) as Node;
  for (const op of model.operations) {
    const node = model.at(op.pointer);
    const pathPointer = op.pointer.slice(0, op.pointer.lastIndexOf('/'));
    const request: WirePart[] = [];
    for (const [owner, list] of [
      [pathPointer, (model.at(pathPointer) as Node).parameters],
      [op.pointer, node.parameters],
    ] as const) {
      (Array.isArray(list) ? list : []).forEach((raw: Node, index: number) => {
        const parameter = model.resolve<Node>(raw);
        request.push(part(model, `request parameter ${parameter.in}:${parameter.name}`, `${owner}/parameters/${index}`, raw));
      });
    }
    const body = node.requestBody as Node | undefined;
    if (body) {
      const resolved = model.resolve<Node>(body);
      for (const type of Object.keys((resolved.content ?? {}) as Node)) {
        const media = { required: resolved.required ?? false, ...(resolved.content as Node)[type] };
        const bodyPart = part(model, `request body ${type}`, `${op.pointer}/requestBody`, media);
        if (typeof body.$ref === 'string') bodyPart.reaches.add(body.$ref.split('/').slice(0, 4).join('/'));
        request.push(bodyPart);
      }
    }
    const security = (node.security ?? model.document.security ?? []) as Node[];
    const credentials = security.map((requirement) => Object.fromEntries(Object.keys(requirement).map((name) => [name, schemes[name]])));
    request.push(part(model, 'request credentials', `${op.pointer}/security`, credentials));
    const responses = Object.entries((node.responses ?? {}) as Node).map(([status, response]) =>
      part(model, `response ${status}`, `${op.pointer}/responses/${escapeSegment(status)}`, response),
    );
    parts.set(`${op.operationId} request`, request);
    parts.set(`${op.operationId} response`, responses);
  }
  return parts;
}

/**
 * Whether a change at these pointers, met on this operation's side, leaves every part it reaches
 * as it was on the wire: the parts holding a pointer, and those reaching a component one names.
 */
export function offTheWire(side: string, pointers: string[], base: Map<string, WirePart[]>, head: Map<string, WirePart[]>): boolean {
  const roots = new Set(pointers.filter((p) => p.startsWith('#/components/')).map((p) => p.split('/').slice(0, 4).join('/')));
  const touched = (parts: WirePart[]) =>
    parts.filter(
      (part) =>
        pointers.some((pointer) => pointer === part.pointer || pointer.startsWith(`${part.pointer}/`)) ||
        [...roots].some((root) => part.reaches.has(root)),
    );
  const before = touched(base.get(side) ?? []);
  const after = touched(head.get(side) ?? []);
  const keys = new Set([...before, ...after].map((p) => p.key));
  if (keys.size === 0) return false;
  const wireOf = (parts: WirePart[] | undefined, key: string) => parts?.find((p) => p.key === key)?.wire;
  return [...keys].every((key) => {
    const was = wireOf(base.get(side), key);
    return was !== undefined && was === wireOf(head.get(side), key);
  });
}
