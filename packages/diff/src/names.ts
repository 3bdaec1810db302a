// What the diff's messages call the thing a change is in: the parameter, field, enum, response,
// header or example by its name and place (`Query parameter \`utr\``, `Field \`credit_bank.ifsc\`
// of \`Payout\``, `Example \`failed\` of response \`200\``), never by an array index or a bare
// JSON pointer. The operation is named beside the message (the diff groups by it, the changelog
// leads with it), so a subject inside an operation does not repeat it.
import { formatPointer, type Node, parsePointer, type SpecModel, valueAt } from '@payouts/model';

/** What a pointer is in, and which of its keywords changed (`description`, `enum`), if any. */
export interface Subject {
  /** Starts with a capital: `Field \`index\` of \`Payout\``. */
  name: string;
  /** The schema or object keyword the pointer ends on, when it is not a named part itself. */
  keyword?: string;
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'allOf']);
const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text);
const upperFirst = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
const refName = (ref: unknown) => (typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : undefined);

/** `Query parameter \`status\``, `Header \`Idempotency-Key\``, `Path parameter \`id\``. */
function parameterName(parameter: Node | undefined): string {
  if (!parameter || typeof parameter.name !== 'string') return 'A parameter';
  return parameter.in === 'header' ? `Header \`${parameter.name}\`` : `${upperFirst(String(parameter.in))} parameter \`${parameter.name}\``;
}

/** What a variant of a oneOf/anyOf/allOf is called: its component's name, title or type. */
function variantName(variant: Node | undefined): string {
  if (!variant) return 'a variant';
  const name = refName(variant.$ref) ?? (typeof variant.title === 'string' ? variant.title : undefined);
  if (name) return `variant \`${name}\``;
  const type = Array.isArray(variant.type) ? variant.type.join(' or ') : variant.type;
  return type ? `the \`${type}\` variant` : 'a variant';
}

/**
 * The field a schema pointer's tail names in `owner` (`results[].index`), the variant it is in,
 * and the keyword it ends on. `at` reads the schema at a tail's prefix.
 */
function schemaSubject(owner: string, tail: string[], at: (prefix: string[]) => Node | undefined): Subject {
  const field: string[] = [];
  let place = owner;
  let i = 0;
  while (i < tail.length) {
    const segment = tail[i]!;
    if (segment === 'properties' && i + 1 < tail.length) {
      field.push(tail[i + 1]!);
      i += 2;
    } else if (segment === 'items') {
      field.push('[]');
      i += 1;
    } else if (segment === 'additionalProperties') {
      field.push('{*}');
      i += 1;
    } else if (COMBINATORS.has(segment) && i + 1 < tail.length) {
      const variant = variantName(at(tail.slice(0, i + 2)));
      place = field.length ? `${variant} of field \`${joinField(field)}\` of ${place}` : `${variant} of ${place}`;
      field.length = 0;
      i += 2;
    } else {
      break;
    }
  }
  const keyword = tail[i];
  const name = field.length ? `Field \`${joinField(field)}\` of ${place}` : upperFirst(place);
  return keyword === undefined ? { name } : { name, keyword };
}

const joinField = (parts: string[]) => parts.reduce((name, part) => (part === '[]' || !name ? `${name}${part}` : `${name}.${part}`), '');

/** A media type's part: its schema's field, or a named example. */
function contentSubject(owner: string, pointer: string[], rest: string[], model: SpecModel): Subject {
  const [, , part, name, ...tail] = rest;
  if (part === 'schema')
    return schemaSubject(
      owner,
      [name, ...tail].filter((s) => s !== undefined) as string[],
      schemaAt(model, [...pointer, ...rest.slice(0, 3)]),
    );
  if (part === 'examples' && name !== undefined) return { name: `Example \`${name}\` of ${owner}` };
  if (part === 'example') return { name: `The example of ${owner}` };
  return { name: upperFirst(owner), keyword: part ?? 'content' };
}

/** Reads the schema under `base` at a tail prefix, `$ref`s resolved on the way. */
function schemaAt(model: SpecModel, base: string[]): (prefix: string[]) => Node | undefined {
  return (prefix) => {
    let node = valueAt(model.document, formatPointer(base)) as Node | undefined;
    for (const segment of prefix) {
      if (!node || typeof node !== 'object') return undefined;
      if (typeof node.$ref === 'string' && segment !== '$ref') node = model.resolve<Node>(node);
      node = (node as Node)[segment] as Node | undefined;
    }
    return node;
  };
}

/** The parts of an operation (or of a path item): parameters, request body, responses. */
function operationPart(pointer: string[], rest: string[], model: SpecModel): Subject {
  const [part, key, ...tail] = rest;
  if (part === 'parameters' && key !== undefined) {
    const node = valueAt(model.document, formatPointer([...pointer, part, key])) as Node | undefined;
    const parameter = node ? model.resolve<Node>(node) : undefined;
    const name = parameterName(parameter);
    if (tail[0] === 'schema')
      return schemaSubject(name, tail.slice(1), (prefix) => schemaAt(model, [...pointer, part, key])(['schema', ...prefix]));
    return tail.length ? { name, keyword: tail[0] } : { name };
  }
  if (part === 'requestBody') {
    if (key === 'content') return contentSubject('the request body', [...pointer, part], [key, ...tail], model);
    return key === undefined ? { name: 'The request body' } : { name: 'The request body', keyword: key };
  }
  if (part === 'responses' && key !== undefined) {
    const response = `response \`${key}\``;
    const [section, name, ...inner] = tail;
    if (section === 'headers' && name !== undefined)
      return inner.length
        ? { name: `Header \`${name}\` of ${response}`, keyword: inner.at(-1) }
        : { name: `Header \`${name}\` of ${response}` };
    if (section === 'content') return contentSubject(`the body of ${response}`, [...pointer, part, key], tail, model);
    return section === undefined ? { name: upperFirst(response) } : { name: upperFirst(response), keyword: section };
  }
  return part === undefined ? { name: 'The operation' } : { name: 'The operation', keyword: part };
}

/** What the thing at `pointer` in `model` is called, and the keyword of it that changed. */
export function subjectOf(pointer: string, model: SpecModel): Subject {
  const segments = parsePointer(pointer);
  const [root, first, second, ...rest] = segments;
  if (root === 'paths' && first !== undefined) {
    if (second === undefined) return { name: `Path \`${first}\`` };
    if (second === 'parameters') return operationPart([root, first], segments.slice(2), model);
    if (second === 'summary' || second === 'description') return { name: `Path \`${first}\``, keyword: second };
    return operationPart([root, first, second], rest, model);
  }
  if (root === 'components' && first !== undefined && second !== undefined) {
    const base = [root, first, second];
    if (first === 'schemas') return schemaSubject(`\`${second}\``, rest, schemaAt(model, base));
    if (first === 'parameters') {
      const parameter = valueAt(model.document, formatPointer(base)) as Node | undefined;
      const name = parameterName(parameter ? model.resolve<Node>(parameter) : undefined);
      if (rest[0] === 'schema') return schemaSubject(name, rest.slice(1), (prefix) => schemaAt(model, base)(['schema', ...prefix]));
      return rest.length ? { name, keyword: rest[0] } : { name };
    }
    if (first === 'examples') return { name: `Example \`${second}\`` };
    if (first === 'responses') {
      if (rest[0] === 'content') return contentSubject(`the answer \`${second}\``, base, rest, model);
      return rest.length ? { name: `The answer \`${second}\``, keyword: rest[0] } : { name: `The answer \`${second}\`` };
    }
    if (first === 'headers') return rest.length ? { name: `Header \`${second}\``, keyword: rest.at(-1) } : { name: `Header \`${second}\`` };
    if (first === 'securitySchemes')
      return rest.length ? { name: `Security scheme \`${second}\``, keyword: rest[0] } : { name: `Security scheme \`${second}\`` };
    return { name: `Component \`${second}\`` };
  }
  if (root === 'info') return { name: 'The API', keyword: first ?? 'info' };
  if (root === 'servers') {
    const server = first === undefined ? undefined : (valueAt(model.document, `#/servers/${first}`) as Node | undefined);
    return { name: server?.url ? `Server \`${server.url}\`` : 'The servers' };
  }
  if (root === 'tags') {
    const tag = first === undefined ? undefined : (valueAt(model.document, `#/tags/${first}`) as Node | undefined);
    return { name: tag?.name ? `Tag \`${tag.name}\`` : 'The tags', ...(second ? { keyword: second } : {}) };
  }
  return { name: 'The API', keyword: root ?? 'document' };
}

/** `Field \`index\` of \`Payout\`` with its keyword: `The description of field \`index\` of \`Payout\``. */
export function phrase(subject: Subject): string {
  return subject.keyword ? `The ${subject.keyword} of ${lowerFirst(subject.name)}` : subject.name;
}
