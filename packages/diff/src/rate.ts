// Rates every change between two bundles by who it breaks. `redocly diff` (its diff-recommended
// rules) finds the changes and gives each a first verdict; this file decides, per operation and per
// side of the exchange, who the change breaks, because the same schema edit means different
// things on each side: a new enum value in a request widens what callers may send (providers must
// accept it), while in an answer it can break a caller's exhaustive handling, unless the schema
// says the enum may grow (`x-extensible-enum: true`). Redocly also reports a change to a shared
// component once, under the first operation that uses it; here it counts for every operation that
// reaches the component, on each side it reaches it from.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeSegment, type Node, type Operation, parsePointer, SpecModel, valueAt } from '@payouts/model';
import { runRedocly } from '@payouts/process';
import { phrase, subjectOf } from './names.js';
import { offTheWire, type WirePart, wireParts } from './wire.js';

export type Impact = 'major' | 'minor' | 'patch';
export type Bump = Impact | 'none';
/** Who a change can break: the apps that call the API, the services that implement it, the payout provider that sends callbacks. */
export type Audience = 'callers' | 'providers' | 'callback-senders';

export interface Change {
  /** The operation the change is about; null for the document as a whole (info, tags, servers). */
  operationId: string | null;
  /** Where it is: a JSON pointer into the head (the base for what was removed), or a consumer's file and line. */
  location: string;
  impact: Impact;
  /** Who it breaks; empty when nobody has to change anything. */
  audiences: Audience[];
  message: string;
  /** With registered consumer contracts: the consumers this change breaks, where it can be attributed. */
  consumers?: string[];
}

/** A registered consumer compatible with the base and not with the head, and the interactions that broke. */
export interface BrokenConsumer {
  name: string;
  interactions: { description: string; problems: { location: string; message: string }[] }[];
}

export interface DiffResult {
  bump: Bump;
  changes: Change[];
  /** With registered consumer contracts (`--contracts DIR`): the consumers the change breaks. */
  brokenConsumers?: BrokenConsumer[];
  /** How many consumers are registered, when contracts were checked. */
  registeredConsumers?: number;
}

const IMPACTS: Impact[] = ['major', 'minor', 'patch'];
export const impactRank = (impact: Bump): number => (impact === 'none' ? 0 : 3 - IMPACTS.indexOf(impact));
export const highestBump = (impacts: Bump[]): Bump => impacts.reduce<Bump>((a, b) => (impactRank(b) > impactRank(a) ? b : a), 'none');

/** An extension on an enum schema saying callers must expect values they do not know. */
export const EXTENSIBLE_ENUM = 'x-extensible-enum';

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const CONFIG = fileURLToPath(new URL('../redocly-diff.yaml', import.meta.url));

interface RedoclyVerdict {
  ruleId: string;
  impact: Impact;
  message: string;
  location?: { pointer: string };
}

interface RedoclyChange {
  path: string;
  typeName: string;
  kind: 'added' | 'removed' | 'modified';
  impact: Impact;
  property?: string;
  verdicts: RedoclyVerdict[];
  base?: { pointer: string; value?: unknown };
  revision?: { pointer: string; value?: unknown };
}

/** Runs `redocly diff` on two bundles and answers its changes. */
async function redoclyChanges(baseFile: string, headFile: string, signal?: AbortSignal): Promise<RedoclyChange[]> {
  const dir = await mkdtemp(join(tmpdir(), 'payouts-diff-'));
  try {
    const out = join(dir, 'diff.json');
    const args = ['diff', baseFile, headFile, '--config', CONFIG, '--format', 'json', '--fail-on', 'none', '-o', out];
    const { code, output } = await runRedocly(args, { timeoutMs: 120_000, signal });
    let report: { changes?: RedoclyChange[] };
    try {
      report = JSON.parse(await readFile(out, 'utf8')) as { changes?: RedoclyChange[] };
    } catch {
      throw new Error(`redocly diff could not compare ${baseFile} with ${headFile} (exit ${code}):\n${output}`);
    }
    return report.changes ?? [];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Side = 'request' | 'response' | 'operation';

/** For each component root (`#/components/schemas/Payout`), the operations and sides that reach it (`createPayout response`). */
function reachOf(parts: Map<string, WirePart[]>): Map<string, Set<string>> {
  const reach = new Map<string, Set<string>>();
  for (const [opSide, sideParts] of parts) {
    for (const root of sideParts.flatMap((part) => [...part.reaches])) {
      const users = reach.get(root) ?? new Set<string>();
      users.add(opSide);
      reach.set(root, users);
    }
  }
  return reach;
}

interface Place {
  op: Operation | undefined;
  side: Side;
}

/** The operations and sides a change is about: where Redocly found it, and every other user of its component. */
function placesOf(change: RedoclyChange, base: SpecModel, head: SpecModel, reach: Map<string, Set<string>>[]): Place[] {
  const places = new Map<string, Place>();
  const add = (op: Operation | undefined, side: Side) => places.set(`${op?.operationId ?? ''} ${side}`, { op, side });
  const [root, path, key, part] = parsePointer(change.path);
  if (root === 'paths' && path !== undefined) {
    const method = key && HTTP_METHODS.has(key) ? key.toUpperCase() : undefined;
    const atPath = (model: SpecModel) => model.operations.filter((op) => op.path === path && (!method || op.method === method));
    const ops = new Map([...atPath(base), ...atPath(head)].map((op) => [op.operationId, op]));
    // The path or operation itself (added, removed), a path-level parameter, or a part of one operation.
    const side: Side =
      key === 'parameters' || part === 'parameters' || part === 'requestBody' ? 'request' : part === 'responses' ? 'response' : 'operation';
    for (const op of ops.values()) add(op, side);
  } else if (root !== 'components') {
    add(undefined, 'operation');
  }
  const pointers = [change.path, change.base?.pointer, change.revision?.pointer, ...change.verdicts.map((v) => v.location?.pointer)];
  for (const pointer of pointers) {
    if (!pointer?.startsWith('#/components/')) continue;
    const root = pointer.split('/').slice(0, 4).join('/');
    for (const users of reach) {
      for (const user of users.get(root) ?? []) {
        const [operationId, side] = user.split(' ') as [string, Side];
        add(
          head.operations.find((op) => op.operationId === operationId) ?? base.operations.find((op) => op.operationId === operationId),
          side,
        );
      }
    }
  }
  return [...places.values()];
}

/** The party that sends an operation's request and reads its answer. */
const senderOf = (op: Operation): Audience =>
  op.credentialHeaders.some((header) => header !== 'Authorization') ? 'callback-senders' : 'callers';

function rate(change: RedoclyChange, { op, side }: Place, head: SpecModel): { impact: Impact; audiences: Audience[]; note?: string } {
  const rules = new Set(change.verdicts.map((v) => v.ruleId));
  const sender = op ? senderOf(op) : 'callers';
  const pointer = change.revision?.pointer ?? change.base?.pointer ?? change.path;
  if (pointer.endsWith(`/${EXTENSIBLE_ENUM}`) && side !== 'request') {
    // A closed enum becoming open asks every exhaustive handling of the answer for a default branch.
    return { impact: 'major', audiences: [sender], note: 'answers may now carry values callers do not know' };
  }
  if (rules.has('enum-values-added')) {
    if (side === 'request') return { impact: 'minor', audiences: ['providers'], note: 'callers may send it; providers must accept it' };
    const pointer = change.verdicts.find((v) => v.ruleId === 'enum-values-added')?.location?.pointer ?? change.revision?.pointer ?? '';
    const schema = valueAt(head.document, pointer.replace(/\/enum$/, '')) as Node | undefined;
    if (schema?.[EXTENSIBLE_ENUM] === true) return { impact: 'minor', audiences: [], note: `the enum is marked ${EXTENSIBLE_ENUM}` };
    return { impact: 'major', audiences: [sender], note: 'an exhaustive handling of the answer meets a value it does not know' };
  }
  if (rules.has('enum-values-removed') && side === 'response') {
    return { impact: 'minor', audiences: ['providers'], note: 'answers carry fewer values; providers must stop sending it' };
  }
  if (rules.has('required-properties-added') && side === 'response') {
    return { impact: 'minor', audiences: ['providers'], note: 'answers always carry it now' };
  }
  const impact = change.impact;
  if (impact === 'major') return { impact, audiences: [sender] };
  if (impact === 'minor') return { impact, audiences: ['providers'] };
  return { impact, audiences: [] };
}

const list = (values: unknown[]) => values.map((v) => `\`${String(v)}\``).join(', ');
const plural = (values: unknown[], one: string, many: string) => (values.length === 1 ? one : many);
const withoutLast = (pointer: string) => pointer.slice(0, pointer.lastIndexOf('/'));

/** What changed, the thing named by its name and place (names.ts), with the side it is on. */
function describe(change: RedoclyChange, side: Side, base: SpecModel, head: SpecModel): string {
  const removed = change.kind === 'removed';
  const pointer = (removed ? change.base?.pointer : change.revision?.pointer) ?? change.path;
  const model = removed ? base : head;
  const verdict = change.verdicts[0];
  const at = verdict?.location?.pointer ?? pointer;
  const before = valueAt(base.document, change.base?.pointer ?? at);
  const after = valueAt(head.document, change.revision?.pointer ?? at);
  const gained = (a: unknown, b: unknown) => (Array.isArray(b) ? b.filter((v) => !(Array.isArray(a) && a.includes(v))) : []);
  let what: string;
  switch (verdict?.ruleId) {
    case 'enum-values-added':
    case 'enum-values-removed': {
      const owner = subjectOf(withoutLast(at), model).name;
      // Redocly points at the enum, or at its schema when the schema had none.
      const enumOf = (value: unknown) => (Array.isArray(value) ? value : (value as Node | undefined)?.enum);
      const [was, is] = [enumOf(before), enumOf(after)];
      const values = verdict.ruleId === 'enum-values-added' ? gained(was, is) : gained(is, was);
      const verb = verdict.ruleId === 'enum-values-added' ? 'gained' : 'lost';
      // An enum written where there was none (beside a `const`) lists values; it loses none.
      if (was === undefined && Array.isArray(is)) what = `${owner} now lists its ${plural(is, 'value', 'values')} ${list(is)} as an enum`;
      else what = `${owner} ${verb} the ${plural(values, 'value', 'values')} ${list(values)}`;
      break;
    }
    case 'required-properties-added':
    case 'required-properties-removed': {
      const owner = subjectOf(withoutLast(at), model).name;
      const fields = verdict.ruleId === 'required-properties-added' ? gained(before, after) : gained(after, before);
      const became = verdict.ruleId === 'required-properties-added' ? 'required' : 'optional';
      what = `${plural(fields, 'Field', 'Fields')} ${list(fields)} of ${lowerName({ name: owner })} became ${became}`;
      break;
    }
    case 'schema-type-changed':
      what = `The type of ${lowerName(subjectOf(withoutLast(at), model))} changed from ${list([before].flat())} to ${list([after].flat())}`;
      break;
    case 'parameter-became-required':
      what =
        change.kind === 'added'
          ? `Required ${lowerName(subjectOf(pointer, model))} was added`
          : `${subjectOf(pointer, model).name} became required`;
      break;
    default: {
      if (change.property === 'key' && typeof change.base?.pointer === 'string' && change.base.pointer.startsWith('#/components/')) {
        // Redocly's word for a component whose name changed and nothing else.
        const kind = change.base.pointer.split('/')[2]!.replace(/s$/, '');
        what = `The ${kind} component \`${String(change.base.value)}\` was renamed \`${String(change.revision?.value)}\``;
        break;
      }
      const subject = subjectOf(pointer, model);
      const keyword = subject.keyword ?? (change.kind === 'modified' ? change.property : undefined);
      const named = phrase(keyword ? { ...subject, keyword } : subject);
      const scalar = (value: unknown) => value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
      if (change.kind !== 'modified') what = `${named} ${/^The properties /.test(named) ? 'were' : 'was'} ${change.kind}`;
      else if (keyword === 'required' && Array.isArray(before) && Array.isArray(after)) {
        const owner = lowerName(subject);
        const required = gained(before, after);
        const optional = gained(after, before);
        what = [
          required.length ? `${plural(required, 'Field', 'Fields')} ${list(required)} of ${owner} became required` : '',
          optional.length ? `${plural(optional, 'Field', 'Fields')} ${list(optional)} of ${owner} became optional` : '',
        ]
          .filter(Boolean)
          .join('; ');
      } else if (keyword && keyword !== 'description' && scalar(before) && scalar(after) && before !== after)
        what = `${named} changed from ${before === undefined ? 'none' : `\`${before}\``} to ${after === undefined ? 'none' : `\`${after}\``}`;
      else what = `${named} changed`;
    }
  }
  return side === 'operation' ? `${what}.` : `${what} (${side}).`;
}

const lowerName = (subject: { name: string }) => subject.name.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());

/** A change this file finds itself, where Redocly's rules see none (a response dropped, an example edited). */
interface OwnChange {
  kind: 'added' | 'removed' | 'modified';
  pointer: string;
  impact: Impact;
  audiences: Audience[];
  note?: string;
}

/** Each operation's documented statuses, added or removed (Redocly reports neither reliably). */
function responseChanges(base: SpecModel, head: SpecModel): OwnChange[] {
  const found: OwnChange[] = [];
  for (const op of head.operations) {
    const before = base.operations.find((o) => o.operationId === op.operationId);
    if (!before) continue;
    const statuses = (model: SpecModel, pointer: string) => Object.keys(((model.at(pointer) as Node).responses as Node | undefined) ?? {});
    const had = statuses(base, before.pointer);
    const has = statuses(head, op.pointer);
    for (const status of has.filter((s) => !had.includes(s)))
      found.push({
        kind: 'added',
        pointer: `${op.pointer}/responses/${status}`,
        impact: 'minor',
        audiences: ['providers'],
        note: 'callers may now receive it',
      });
    for (const status of had.filter((s) => !has.includes(s)))
      found.push({
        kind: 'removed',
        pointer: `${before.pointer}/responses/${status}`,
        impact: 'minor',
        audiences: ['providers'],
        note: 'providers must stop answering it',
      });
  }
  return found;
}

/**
 * Every example of a bundle: schemas' `example`, parameters' and media types' named `examples`.
 * Keyed by where it is, a parameter by its name (a parameter added before it moves its index).
 */
function examplesOf(model: SpecModel): { examples: Map<string, { pointer: string; json: string }>; places: Set<string> } {
  const found = new Map<string, { pointer: string; json: string }>();
  const places = new Set<string>();
  const visit = (value: unknown, pointer: string, key: string) => {
    if (!value || typeof value !== 'object') return;
    places.add(key);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const parameter = pointer.endsWith('/parameters') ? model.resolve<Node>(item as Node) : undefined;
        visit(item, `${pointer}/${i}`, `${key}/${parameter ? `${parameter.in}:${parameter.name}` : i}`);
      });
      return;
    }
    for (const [name, child] of Object.entries(value as Node)) {
      const at = `${pointer}/${escapeSegment(name)}`;
      const atKey = `${key}/${escapeSegment(name)}`;
      if (name === 'example' || (name === 'examples' && Array.isArray(child)))
        found.set(atKey, { pointer: at, json: JSON.stringify(child) });
      else if (name === 'examples' && child && typeof child === 'object') {
        for (const [example, body] of Object.entries(child as Node))
          found.set(`${atKey}/${escapeSegment(example)}`, { pointer: `${at}/${escapeSegment(example)}`, json: JSON.stringify(body) });
      } else visit(child, at, atKey);
    }
  };
  visit(model.document.paths, '#/paths', '#/paths');
  visit(model.document.components, '#/components', '#/components');
  return { examples: found, places };
}

/** The object an example belongs to (a schema, a parameter, a media type). */
const exampleOwner = (pointer: string) => pointer.replace(/\/examples?(\/[^/]*)?$/, '');

/**
 * Examples added, removed or edited: the mock and the docs page serve them, so callers see them.
 * One that comes or goes with what it belongs to is part of that change.
 */
function exampleChanges(base: SpecModel, head: SpecModel): OwnChange[] {
  const before = examplesOf(base);
  const after = examplesOf(head);
  const found: OwnChange[] = [];
  const note = 'the mock and the docs page serve it';
  for (const [key, { pointer, json }] of after.examples) {
    const old = before.examples.get(key);
    if (old?.json === json || (!old && !before.places.has(exampleOwner(key)))) continue;
    found.push({ kind: old ? 'modified' : 'added', pointer, impact: 'patch', audiences: [], note });
  }
  for (const [key, { pointer }] of before.examples) {
    if (after.examples.has(key) || !after.places.has(exampleOwner(key))) continue;
    found.push({ kind: 'removed', pointer, impact: 'patch', audiences: [], note });
  }
  return found;
}

/** Redocly's changes this file finds better itself (responses, examples), left out. */
const foundHere = (change: RedoclyChange): boolean => {
  const pointer = change.revision?.pointer ?? change.base?.pointer ?? change.path;
  return (
    (change.typeName === 'Response' && change.kind !== 'modified') ||
    change.property === 'example' ||
    change.property === 'examples' ||
    /\/examples?(\/|$)/.test(pointer)
  );
};

const OFF_THE_WIRE = 'nothing changes on the wire';
const OFF_THE_WIRE_SENTENCE = 'Nothing changes on the wire.';

/**
 * A component renamed where it is used (a parameter's `$ref`) reads to Redocly as one removed and
 * one added: when both change nothing on the wire, they are one change, named as such.
 */
function renamedComponents(changes: Change[], offWire: Set<Change>): void {
  const component = /^#\/components\/([a-zA-Z]+)s\/([^/]+)$/;
  const was = (c: Change, kind: 'removed' | 'added') => offWire.has(c) && c.message.includes(` was ${kind} (`);
  for (const removed of changes.filter((c) => was(c, 'removed') && component.test(c.location))) {
    const added = changes.find(
      (c) =>
        was(c, 'added') &&
        c.operationId === removed.operationId &&
        c.message === removed.message.replace(' was removed (', ' was added (') &&
        component.exec(c.location)?.[1] === component.exec(removed.location)?.[1],
    );
    if (!added) continue;
    const [, kind, from] = component.exec(removed.location)!;
    const to = component.exec(added.location)![2];
    const side = / \((request|response)\)\./.exec(removed.message)?.[1];
    changes.splice(changes.indexOf(added), 1);
    Object.assign(removed, {
      location: added.location,
      impact: 'patch',
      audiences: [],
      message: `The ${kind} component \`${from}\` was renamed \`${to}\`${side ? ` (${side})` : ''}. ${OFF_THE_WIRE_SENTENCE}`,
    });
  }
}

/** Rates the changes from `baseFile` to `headFile` (bundled specs, JSON or YAML); aborting `signal` ends Redocly's process. */
export async function rateChanges(baseFile: string, headFile: string, signal?: AbortSignal): Promise<DiffResult> {
  const [found, base, head] = await Promise.all([
    redoclyChanges(baseFile, headFile, signal),
    SpecModel.load(baseFile),
    SpecModel.load(headFile),
  ]);
  const parts = [wireParts(base), wireParts(head)] as const;
  const reach = parts.map(reachOf);
  /** A change that leaves every part it reaches as it was on the wire breaks nobody, whatever its kind. */
  const refactor = (change: RedoclyChange, { op, side }: Place) => {
    if (!op || side === 'operation') return false;
    const pointers = [change.path, change.base?.pointer, change.revision?.pointer, ...change.verdicts.map((v) => v.location?.pointer)];
    return offTheWire(
      `${op.operationId} ${side}`,
      pointers.filter((p): p is string => p !== undefined),
      ...parts,
    );
  };
  const changes: Change[] = [];
  /** The changes that leave every part they reach as it was on the wire. */
  const offWire = new Set<Change>();
  const seen = new Set<string>();
  // The version is the release's to set; what changed in the contract is what is rated.
  const add = (entry: Change) => {
    const key = JSON.stringify(entry);
    if (seen.has(key)) return;
    seen.add(key);
    changes.push(entry);
  };
  const sentence = (note: string | undefined) => (note ? ` ${note[0]!.toUpperCase()}${note.slice(1)}.` : '');
  for (const change of found.filter((c) => (c.path !== '#/info' || c.property !== 'version') && !foundHere(c))) {
    for (const place of placesOf(change, base, head, reach)) {
      const rated = rate(change, place, head);
      const wireless = refactor(change, place);
      const { impact, audiences, note } =
        rated.impact !== 'patch' && wireless ? { impact: 'patch' as const, audiences: [], note: OFF_THE_WIRE } : rated;
      const location = change.kind === 'removed' ? (change.base?.pointer ?? change.path) : (change.revision?.pointer ?? change.path);
      const entry: Change = {
        operationId: place.op?.operationId ?? null,
        location,
        impact,
        audiences,
        message: `${describe(change, place.side, base, head)}${sentence(note)}`,
      };
      add(entry);
      if (wireless) offWire.add(entry);
    }
  }
  for (const own of [...responseChanges(base, head), ...exampleChanges(base, head)]) {
    const change: RedoclyChange = {
      path: own.pointer,
      typeName: '',
      kind: own.kind,
      impact: own.impact,
      verdicts: [],
      ...(own.kind === 'removed' ? { base: { pointer: own.pointer } } : { revision: { pointer: own.pointer } }),
    };
    for (const place of placesOf(change, base, head, reach)) {
      const { impact, audiences, note } = own;
      add({
        operationId: place.op?.operationId ?? null,
        location: own.pointer,
        impact,
        audiences,
        message: `${describe(change, place.side, base, head)}${sentence(note)}`,
      });
    }
  }
  renamedComponents(changes, offWire);
  changes.sort(
    (a, b) =>
      impactRank(b.impact) - impactRank(a.impact) ||
      (a.operationId ?? '').localeCompare(b.operationId ?? '') ||
      a.location.localeCompare(b.location),
  );
  return { bump: highestBump(changes.map((c) => c.impact)), changes };
}
