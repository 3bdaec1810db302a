// One interaction of a consumer's contract judged against the spec: the route and method exist,
// the request keeps the contract (asked of @payouts/model's checker, the one the mock, the
// sandbox and pnpm verify use), no query parameter is sent that the provider would ignore, the
// expected status and content type are documented, and the expected answer is one the spec allows
// (expectation.ts). Every problem names the place (`response.body.results[].status`) and why.
import { type Diagnostic, jsonBodyOf, mediaTypeOf, type Operation, pathParamsOf, type SpecModel, typesAllowed } from '@payouts/model';
import { BodyExpectation, describeTypes, parameterTypesAsked, selfContradictions, unsupported } from './expectation.js';
import { type Contract, contentTypeOf, type Interaction, type PactRequest, type PactResponse } from './pact.js';

export interface Problem {
  /** `request.body.amount`, `request.query.status`, `response.status`, `response.body.results[].status`. */
  location: string;
  message: string;
}

export interface InteractionVerdict {
  description: string;
  /** The operation it calls; null when the spec has none for its method and path. */
  operationId: string | null;
  compatible: boolean;
  problems: Problem[];
}

export interface ConsumerVerdict {
  name: string;
  file: string;
  compatible: boolean;
  interactions: InteractionVerdict[];
}

export function judgeContract(model: SpecModel, contract: Contract, file = contract.file): ConsumerVerdict {
  const interactions = contract.interactions.map((interaction) => judgeInteraction(model, interaction));
  return { name: contract.consumer, file, compatible: interactions.every((i) => i.compatible), interactions };
}

export function judgeInteraction(model: SpecModel, interaction: Interaction): InteractionVerdict {
  const verdict = (operationId: string | null, problems: Problem[]): InteractionVerdict => ({
    description: interaction.description,
    operationId,
    compatible: problems.length === 0,
    problems,
  });
  if (interaction.notHttp)
    return verdict(null, [
      { location: 'interaction', message: `not checked: a ${interaction.notHttp} interaction is not an HTTP call of this API` },
    ]);
  const { request, response } = interaction;
  const path = request.path.split('?')[0]!;
  const op = model.route(request.method, path);
  if (!op) {
    const methods = model.methodsAt(path);
    return verdict(null, [
      methods.length > 0
        ? { location: 'request.method', message: `the spec has no ${request.method} ${path} (it has ${methods.join(', ')} there)` }
        : { location: 'request.path', message: `no operation of the spec has the path ${path}` },
    ]);
  }
  return verdict(op.operationId, [...requestProblems(model, op, request, path), ...responseProblems(model, op, response)]);
}

function requestProblems(model: SpecModel, op: Operation, request: PactRequest, path: string): Problem[] {
  const problems: Problem[] = [];
  const documented = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(request.query)) {
    if (!documented.has(name))
      problems.push({
        location: `request.query.${name}`,
        message: `${op.operationId} has no query parameter \`${name}\`: the provider ignores it, so what it asks for silently does not happen`,
      });
  }
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, values]) => [name.toLowerCase(), values.join(', ')]));
  problems.push(...authSchemeProblems(model, op, headers));
  const query = Object.fromEntries(Object.entries(request.query).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
  const json = /[/+]json\b/i.test(contentTypeOf(request.headers) ?? 'application/json');
  const body = request.body === undefined && op.requestBody?.required && jsonBodyOf(op) ? {} : json ? request.body : undefined;
  const { diagnostics } = model.checkRequest(op, { params: pathParamsOf(op.path, path), query, headers, body });
  problems.push(...diagnostics.map((d) => requestProblemOf(op, d)));
  problems.push(...requestRuleProblems(model, op, request, path));
  return problems;
}

/**
 * What the request's matching rules let the consumer send besides its examples: a rule asking for
 * a type the parameter or field does not take (`decimal` on an integer), a rule its own example
 * breaks, a rule this checker does not support (reported as not checked).
 */
function requestRuleProblems(model: SpecModel, op: Operation, request: PactRequest, path: string): Problem[] {
  const problems: Problem[] = [];
  const { rules } = request;
  if (rules.path) {
    for (const message of [...unsupported(rules.path.matchers), ...selfContradictions(path, rules.path.matchers)])
      problems.push({ location: 'request.path', message });
  }
  const places = [
    ['query', rules.query, (name: string) => request.query[name]?.[0]],
    [
      'header',
      rules.header,
      (name: string) => Object.entries(request.headers).find(([h]) => h.toLowerCase() === name.toLowerCase())?.[1][0],
    ],
  ] as const;
  for (const [place, byName, sentValue] of places) {
    for (const [name, rule] of byName) {
      const location = `request.${place}.${name}`;
      const value = sentValue(name);
      for (const message of [...unsupported(rule.matchers), ...(value === undefined ? [] : selfContradictions(value, rule.matchers))])
        problems.push({ location, message });
      const parameter = op.parameters.find((p) => p.in === place && p.name.toLowerCase() === name.toLowerCase());
      const allowed = parameter && typesAllowed(model, parameter.schemaPointer);
      if (!allowed) continue;
      for (const asked of parameterTypesAsked(rule.matchers)) {
        if (!asked.some((t) => allowed.has(t)))
          problems.push({
            location,
            message: `may be sent as ${describeTypes(asked)}, but ${op.operationId} takes ${describeTypes(allowed)}`,
          });
      }
    }
  }
  const media = jsonBodyOf(op);
  if (media && request.body !== undefined && rules.body.length > 0) {
    const expectation = new BodyExpectation(model, rules.body, 'request.body', 'request');
    expectation.check(request.body, [], [media.schemaPointer]);
    problems.push(...expectation.problems);
  }
  return problems;
}

/** A bearer scheme takes `Authorization: Bearer <token>`: another scheme in that header is refused by the provider. */
function authSchemeProblems(model: SpecModel, op: Operation, headers: Record<string, string>): Problem[] {
  const schemes = op.securitySchemes.map((name) => model.document.components?.securitySchemes?.[name]);
  const bearerOnly = schemes.length > 0 && schemes.every((s) => s?.type === 'http' && String(s.scheme).toLowerCase() === 'bearer');
  const value = headers.authorization;
  if (!bearerOnly || value === undefined || /^bearer\s+\S/i.test(value)) return [];
  return [
    {
      location: 'request.header.Authorization',
      message: `${op.operationId} takes a bearer token (\`Authorization: Bearer ...\`), not ${JSON.stringify(value.split(/\s/)[0])}`,
    },
  ];
}

function requestProblemOf(op: Operation, d: Diagnostic): Problem {
  const field = d.field === '(body)' ? '' : d.field.replace(/\[\d+\]/g, '[]');
  const location = `request.${d.location}${field ? `.${field}` : ''}`;
  if (d.rule?.keyword === 'required')
    return { location, message: `${op.operationId} now requires \`${field}\`, which this request does not send` };
  if (d.location === 'header' && op.credentialHeaders.includes(d.field))
    return { location, message: `${op.operationId} requires ${d.message.replace(/ is required$/, '')}, which this request does not send` };
  return { location, message: `${field ? `\`${field}\` ` : ''}${d.message}` };
}

function responseProblems(model: SpecModel, op: Operation, response: PactResponse): Problem[] {
  const documented = model.responseFor(op, response.status);
  if (!documented) {
    const statuses = op.responses.map((r) => r.status).join(', ');
    return [
      { location: 'response.status', message: `${op.operationId} does not document status ${response.status} (documented: ${statuses})` },
    ];
  }
  const problems: Problem[] = [];
  for (const [name, rule] of response.rules.header)
    for (const message of unsupported(rule.matchers)) problems.push({ location: `response.header.${name}`, message });
  for (const name of Object.keys(response.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-type' || documented.headers.includes(lower)) continue;
    problems.push({
      location: `response.header.${name}`,
      message: `is not a header the spec documents for ${op.operationId}'s ${documented.status} answer, so the provider does not promise it`,
    });
  }
  if (response.body === undefined) return problems;
  if (documented.content.length === 0) {
    problems.push({ location: 'response.body', message: `${op.operationId}'s ${documented.status} answer has no body in the spec` });
    return problems;
  }
  const type = (contentTypeOf(response.headers) ?? documented.content[0]!.type).split(';')[0]!.trim().toLowerCase();
  const media = mediaTypeOf(documented.content, type);
  if (!media) {
    const types = documented.content.map((m) => m.type).join(', ');
    problems.push({
      location: 'response.content-type',
      message: `${op.operationId}'s ${documented.status} answer is not documented as ${type} (documented: ${types})`,
    });
    return problems;
  }
  if (!media.schema) return problems;
  const expectation = new BodyExpectation(model, response.rules.body, 'response.body');
  expectation.check(response.body, [], [media.schemaPointer]);
  problems.push(...expectation.problems);
  return problems;
}
