// Generates the Arazzo workflows that follow from the spec alone, one per operation, into
// dist/arazzo/operations.arazzo.yaml (run by `pnpm build`; generated, so never committed):
//   <operationId>-auth     no token, then a wrong token: each must get 401 (operations a caller makes
//                          with a bearer token; the provider's signed callback is checked by
//                          src/signatures.ts, which can compute signatures)
//   <operationId>-example  safe operations only (GET, no path id): the spec's example request gets
//                          the documented success status, content type and schema
// Operations that need a payout in some state are exercised by the hand-written lifecycle in
// arazzo/payouts-lifecycle.arazzo.yaml instead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Operation, Node as Schema, SpecModel as Spec } from '@payouts/model';
import { bundlePath, loadSpec } from '@payouts/spec';
import { parse, stringify } from 'yaml';
import { jsonRequest, statusesOf } from './spec.js';

export const SOURCE_NAME = 'payouts';
/** The workflows' input holding the signing proxy's capability, sent on every step (see signing-proxy.ts). */
export const CAPABILITY_INPUT = 'verify_capability';
const CAPABILITY_PARAMETER = { name: 'X-Verify-Capability', in: 'header', value: `$inputs.${CAPABILITY_INPUT}` };
const CAPABILITY_SCHEMA = { type: 'string', format: 'password', description: "The run's capability for verify's signing proxy." };

/** Every step of every workflow sends the proxy's capability, and every workflow takes it as an input. */
function withCapability(document: Schema): Schema {
  for (const workflow of document.workflows as Schema[]) {
    for (const step of workflow.steps as Schema[]) step.parameters = [...(step.parameters ?? []), CAPABILITY_PARAMETER];
  }
  return document;
}

/**
 * The document as Respect runs it cheaply: the inputs are declared by the first workflow alone, and
 * every workflow reads them as `$workflows.<first>.inputs.*` instead of `$inputs.*`. Respect
 * compiles each workflow's inputs schema with an Ajv of its own (its meta-schema compiled again
 * every time), once for every workflow of the file when a run starts and once more as each one
 * runs: with inputs on all 12 workflows that was about a quarter of a run's CPU (1.9 -> 1.4
 * CPU-seconds, the same steps and checks).
 */
function withInputsOnFirstWorkflow(document: Schema): Schema {
  const [first, ...rest] = document.workflows as Schema[];
  if (!first) return document;
  for (const workflow of rest) delete workflow.inputs;
  const fromFirst = `$workflows.${first.workflowId}.inputs.`;
  return { ...document, workflows: JSON.parse(JSON.stringify(document.workflows).replaceAll('$inputs.', fromFirst)) };
}
/** Sent as the wrong bearer token: well-formed, never valid. */
export const WRONG_TOKEN = 'payouts-verify-wrong-token';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ARAZZO_DIR = join(PACKAGE_DIR, 'dist', 'arazzo');
export const GENERATED_ARAZZO = join(ARAZZO_DIR, 'operations.arazzo.yaml');
/** The hand-written lifecycle, copied beside the generated file with its spec URL filled in. */
const LIFECYCLE_SOURCE = join(PACKAGE_DIR, 'arazzo', 'payouts-lifecycle.arazzo.yaml');
export const LIFECYCLE_ARAZZO = join(ARAZZO_DIR, 'payouts-lifecycle.arazzo.yaml');

const withToken = (token: string) => ({ 'x-security': [{ schemeName: 'bearerAuth', values: { token } }] });

function exampleRequest(op: Operation): Schema {
  const parameters = op.parameters
    .filter((p) => p.in === 'path' || p.in === 'query')
    .map((p) => ({ name: p.name, in: p.in, value: p.example }))
    .filter((p) => p.value !== undefined);
  return {
    operationId: op.operationId,
    ...(parameters.length ? { parameters } : {}),
    ...(jsonRequest(op) ? { requestBody: { contentType: 'application/json', payload: jsonRequest(op)?.example } } : {}),
  };
}

const successStatus = (op: Operation) => statusesOf(op).find((s) => /^2\d\d$/.test(s));

export function generateOperationsArazzo(spec: Spec, specUrl: string): Schema {
  const workflows: Schema[] = [];
  for (const op of spec.operations) {
    if (op.credentialHeaders.includes('Authorization')) {
      workflows.push({
        workflowId: `${op.operationId}-auth`,
        summary: `${op.operationId} answers 401 without a token and with a wrong one`,
        steps: [
          {
            stepId: 'no-token',
            description: 'No Authorization header.',
            'x-verify-field': 'header Authorization',
            ...exampleRequest(op),
            successCriteria: [{ condition: '$statusCode == 401' }],
          },
          {
            stepId: 'wrong-token',
            description: 'A bearer token the provider never issued.',
            'x-verify-field': 'header Authorization',
            ...exampleRequest(op),
            ...withToken(WRONG_TOKEN),
            successCriteria: [{ condition: '$statusCode == 401' }],
          },
        ],
      });
    }
    const status = successStatus(op);
    const safe = op.method === 'GET' && !op.parameters.some((p) => p.in === 'path');
    if (safe && status) {
      workflows.push({
        workflowId: `${op.operationId}-example`,
        summary: `${op.operationId} with the spec's example parameters answers ${status}`,
        steps: [
          {
            stepId: 'example',
            ...exampleRequest(op),
            ...withToken('$inputs.token'),
            successCriteria: [{ condition: `$statusCode == ${status}` }],
          },
        ],
      });
    }
  }
  for (const workflow of workflows) {
    workflow.inputs = {
      type: 'object',
      properties: {
        token: { type: 'string', format: 'password', description: 'A valid bearer token.' },
        [CAPABILITY_INPUT]: CAPABILITY_SCHEMA,
      },
    };
  }
  return withInputsOnFirstWorkflow(
    withCapability({
      arazzo: '1.0.1',
      info: {
        title: 'Payouts API: per-operation checks generated from the spec',
        version: spec.document.info?.version ?? '1.0.0',
        description: 'Generated by @payouts/verify from the bundled spec; do not edit. Run: see packages/verify/README.md.',
      },
      sourceDescriptions: [{ name: SOURCE_NAME, type: 'openapi', url: specUrl }],
      workflows,
    }),
  );
}

/**
 * The hand-written lifecycle as verify runs it: its spec URL filled in, the capability on every
 * step, and its inputs declared by its first workflow alone.
 */
export function lifecycleForRun(source: string, specUrl: string): Schema {
  const document = parse(source, { maxAliasCount: -1 }) as Schema;
  document.sourceDescriptions[0].url = specUrl;
  document.components.inputs.token.properties[CAPABILITY_INPUT] = CAPABILITY_SCHEMA;
  return withInputsOnFirstWorkflow(withCapability(document));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Arazzo names its OpenAPI source by URL; relative to the workflow files, it is the spec's bundle.
  const specUrl = relative(ARAZZO_DIR, bundlePath('yaml'));
  const document = generateOperationsArazzo(loadSpec(), specUrl);
  mkdirSync(ARAZZO_DIR, { recursive: true });
  writeFileSync(
    GENERATED_ARAZZO,
    `# Generated by src/generate-arazzo.ts from the bundled spec: do not edit.\n${stringify(document, { lineWidth: 0 })}`,
  );
  const lifecycle = lifecycleForRun(readFileSync(LIFECYCLE_SOURCE, 'utf8'), specUrl);
  writeFileSync(
    LIFECYCLE_ARAZZO,
    `# Generated by src/generate-arazzo.ts from arazzo/payouts-lifecycle.arazzo.yaml: do not edit.\n${stringify(lifecycle, { lineWidth: 0 })}`,
  );
  console.log(
    `generated ${document.workflows.length} workflows into ${relative(process.cwd(), GENERATED_ARAZZO)}, and the lifecycle beside it`,
  );
}
