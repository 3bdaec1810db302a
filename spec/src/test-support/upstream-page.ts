// Reads the upstream Process Payout page (a text copy of api-docs.crego.io) into what it documents:
// the request body fields, the curl body, and the 200 response's fields with their JSON types.
import { readFileSync } from 'node:fs';
import { UPSTREAM_PROCESS_PAYOUT_PAGE } from '../index.mjs';

export type UpstreamField = { name: string; path: string[]; type: string; required: boolean };

const page = readFileSync(UPSTREAM_PROCESS_PAYOUT_PAGE, 'utf8');
const lines = page.split('\n').map((line) => line.trim());

function lineIndex(text: string, from = 0): number {
  const index = lines.indexOf(text, from);
  if (index < 0) throw new Error(`upstream page: no line "${text}" after line ${from + 1}`);
  return index;
}

/** The "name / type / required" triplets between two lines of the page. */
function fieldList(start: number, end: number): { name: string; type: string; required: boolean }[] {
  const body = lines.slice(start, end).filter(Boolean);
  const fields = [];
  for (let i = 0; i < body.length; i += 3) {
    const [name, type, required] = [body[i], body[i + 1], body[i + 2]];
    if (name === undefined || type === undefined) throw new Error(`upstream page: a field without a type after line ${start + i + 1}`);
    if (required !== 'required' && required !== undefined) throw new Error(`upstream page: unexpected "${required}" after field ${name}`);
    fields.push({ name, type, required: required === 'required' });
  }
  return fields;
}

/** The JSON text that starts at the line `{` after `from`. */
function jsonAfter(from: number): unknown {
  const open = lineIndex('{', from);
  const close = lines.findIndex((line, i) => i > open && (line === '}' || line === "}'") && !line.startsWith(' '));
  const text = lines
    .slice(open, close + 1)
    .join('\n')
    .replace(/'$/, '');
  return JSON.parse(text);
}

/** Key paths of a JSON object, depth first, in document order (the order the page lists fields). */
function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...keyPaths(child, [...prefix, key])]);
}

/** Field names carry no nesting on the page; the example beside them does, in the same order. */
function withPaths(fields: { name: string; type: string; required: boolean }[], example: unknown): UpstreamField[] {
  const paths = keyPaths(example);
  if (paths.length !== fields.length) throw new Error(`upstream page: ${fields.length} fields listed but ${paths.length} in the example`);
  return fields.map((field, i) => {
    const path = paths[i] ?? [];
    if (path.at(-1) !== field.name) throw new Error(`upstream page: field ${field.name} listed where the example has ${path.join('.')}`);
    return { ...field, path };
  });
}

const requestStart = lineIndex('Body Params application/json');
const requestExampleAt = lineIndex('Example', requestStart);
const responseBodyAt = lineIndex('Body', lineIndex('Responses'));
const responseExampleAt = lineIndex('Example', responseBodyAt);

export const requestExample = jsonAfter(requestExampleAt);
// The request body is flat, so each field's path is its name.
export const requestFields: UpstreamField[] = fieldList(requestStart + 1, requestExampleAt).map((f) => ({ ...f, path: [f.name] }));
export const responseExample = jsonAfter(responseExampleAt);
export const responseFields = withPaths(fieldList(responseBodyAt + 1, responseExampleAt), responseExample);
// The curl's body, as real clients copy it: the text between --data-raw '...'.
export const curlBody = JSON.parse(
  page.slice(page.indexOf("--data-raw '") + "--data-raw '".length, page.indexOf("}'", page.indexOf('--data-raw')) + 1),
);
