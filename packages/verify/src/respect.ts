// Runs the Arazzo workflows with Redocly Respect (`redocly respect`), then turns its JSON log
// into report checks. Respect sends the requests and judges success criteria, status codes and
// content types; each answer it recorded is then re-validated by our own ajv so a failure names
// every field, extra properties included.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fieldName, type SpecModel, valueAt as valueAtPointer } from '@payouts/model';
import { runRedocly } from '@payouts/process';
import { parse } from 'yaml';
import { conformance, describeAnswer, fieldsOf } from './conformance.js';
import { CAPABILITY_INPUT, GENERATED_ARAZZO, LIFECYCLE_ARAZZO, SOURCE_NAME } from './generate-arazzo.js';
import { curlLine, signatureHeaderOf } from './http.js';
import type { Check } from './report.js';
import { CAPABILITY_HEADER } from './signing-proxy.js';
import type { CheckSuite, SuiteResult } from './suite.js';

// The status, content-type and schema checks are ours to report (with field names), so Respect
// only warns on them and goes on; a failed success criterion still ends its workflow, because
// the steps after it depend on the state it expected.
const SEVERITY = JSON.stringify({ STATUS_CODE_CHECK: 'warn', CONTENT_TYPE_CHECK: 'warn', SCHEMA_CHECK: 'warn' });
const RESPECT_TIMEOUT_MS = 120_000;

interface RespectCheck {
  name: string;
  passed: boolean;
  message?: string;
  condition?: string;
}

interface RespectStep {
  stepId: string;
  workflowId: string;
  request?: { method: string; url: string; headers?: Record<string, string>; body?: unknown };
  response?: { statusCode: number; body?: unknown; headers?: Record<string, string> };
  checks: RespectCheck[];
}

interface RespectLog {
  files: Record<string, { totalRequests: number; executedWorkflows: { workflowId: string; executedSteps: RespectStep[] }[] }>;
}

/** What a step is about: the operation it calls and, from `x-verify-field`, the field or header. */
interface StepInfo {
  operationId: string;
  field?: string;
}

/** Workflow ids of an Arazzo file, each with its steps. */
export async function workflowsOf(file: string): Promise<Map<string, Map<string, StepInfo>>> {
  const document = parse(await readFile(file, 'utf8'), { maxAliasCount: -1 }) as {
    workflows: { workflowId: string; steps: { stepId: string; operationId?: string; 'x-verify-field'?: string }[] }[];
  };
  return new Map(
    document.workflows.map((workflow) => [
      workflow.workflowId,
      new Map(
        workflow.steps.map((step) => [
          step.stepId,
          { operationId: (step.operationId ?? '').replace(/^\$sourceDescriptions\.[^.]+\./, ''), field: step['x-verify-field'] },
        ]),
      ),
    ]),
  );
}

interface RespectOptions {
  spec: SpecModel;
  files: string[];
  /** The provider, as the report names it. */
  baseUrl: string;
  /** Where Respect sends its requests instead: the signing proxy in front of the provider, and the run's capability for it. */
  via: { url: string; capability: string };
  /** Whether the proxy signs callbacks; without it, workflows that call a signed operation are skipped (they could only get 401s). */
  signsCallbacks: boolean;
  token: string;
  only?: string;
}

/** The Arazzo workflows (generated per operation, and the hand-written lifecycle), run by Respect through the signing proxy. */
export const respectSuite: CheckSuite = {
  name: 'Arazzo workflows (Respect)',
  run: ({ spec, baseUrl, credentials, only, signer }) =>
    runRespect({
      spec,
      files: [GENERATED_ARAZZO, LIFECYCLE_ARAZZO],
      baseUrl,
      via: signer,
      signsCallbacks: credentials.callbackSecret !== undefined,
      token: credentials.token,
      only,
    }),
};

/** An Arazzo file, and which of its workflows this run takes. */
interface FilePlan {
  file: string;
  workflows: Map<string, Map<string, StepInfo>>;
  /** The workflows to run; all of them or a few named with `--workflow`. */
  selected: string[];
  skipped: string[];
}

/**
 * Runs the Arazzo files with Respect, limited to the workflows that call `only` when it is given.
 * Files run whole share one Respect process (its start, about half its CPU, is paid once). Respect
 * refuses a `--workflow` that one of its files lacks, so a file run in part gets a process of its
 * own, side by side with the others (each file creates its own payouts).
 */
async function runRespect(options: RespectOptions): Promise<SuiteResult> {
  const plans = await Promise.all(options.files.map((file) => planOf(options, file)));
  const running = plans.filter((plan) => plan.selected.length > 0);
  const whole = running.filter((plan) => plan.selected.length === plan.workflows.size);
  const groups = [...(whole.length > 0 ? [whole] : []), ...running.filter((plan) => !whole.includes(plan)).map((plan) => [plan])];
  const runs = await Promise.all(groups.map((group) => runFiles(options, group)));
  return {
    checks: runs.flatMap((r) => r.checks),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    skipped: plans.flatMap((plan) => plan.skipped),
  };
}

async function planOf(options: RespectOptions, file: string): Promise<FilePlan> {
  const workflows = await workflowsOf(file);
  const signed = new Set(options.spec.operations.filter((op) => signatureHeaderOf(op)).map((op) => op.operationId));
  const relevant = [...workflows].filter(
    ([, steps]) => !options.only || [...steps.values()].some((step) => step.operationId === options.only),
  );
  const unsignable = options.signsCallbacks
    ? []
    : relevant.filter(([, steps]) => [...steps.values()].some((step) => signed.has(step.operationId))).map(([id]) => id);
  const skipped = unsignable.map((id) => `Respect ${basename(file)} > ${id} (sends signed callbacks)`);
  const selected = relevant.map(([id]) => id).filter((id) => !unsignable.includes(id));
  return { file, workflows, selected, skipped };
}

/** One Respect process over `plans`' files; their checks. */
async function runFiles(options: RespectOptions, plans: FilePlan[]): Promise<Omit<SuiteResult, 'skipped'>> {
  const target = options.via.url;
  const names = plans.map((plan) => basename(plan.file)).join(' and ');
  const outDir = await mkdtemp(join(tmpdir(), 'payouts-verify-'));
  try {
    const logFile = join(outDir, 'respect.json');
    const args = ['respect', ...plans.map((plan) => plan.file), '--server', `${SOURCE_NAME}=${target}`, '--json-output', logFile];
    args.push('--severity', SEVERITY, '--no-secrets-masking');
    for (const plan of plans) if (plan.selected.length < plan.workflows.size) for (const id of plan.selected) args.push('--workflow', id);
    // Respect exits 1 when a workflow fails: that is a result, read from its JSON log.
    const { output } = await runRedocly(args, {
      // The token and the proxy's capability go in through the environment, not argv, so `ps` does not show them.
      env: { REDOCLY_CLI_RESPECT_INPUT: JSON.stringify({ token: options.token, [CAPABILITY_INPUT]: options.via.capability }) },
      timeoutMs: RESPECT_TIMEOUT_MS,
    });
    let log: RespectLog;
    try {
      log = JSON.parse(await readFile(logFile, 'utf8')) as RespectLog;
    } catch {
      throw new Error(`redocly respect wrote no results for ${names}; its output:\n${output.replaceAll(options.via.capability, '***')}`);
    }
    const checks: Check[] = [];
    let requests = 0;
    for (const plan of plans) {
      const result = log.files[plan.file];
      if (!result) throw new Error(`redocly respect wrote no results for ${basename(plan.file)} in its log of ${names}`);
      requests += result.totalRequests;
      for (const workflow of result.executedWorkflows) {
        for (const step of workflow.executedSteps) {
          const info = plan.workflows.get(step.workflowId)?.get(step.stepId);
          if (!info || (options.only && info.operationId !== options.only)) continue;
          checks.push(...stepChecks(options.spec, basename(plan.file), info, step, options.token, { from: target, to: options.baseUrl }));
        }
      }
    }
    return { checks, requests };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function stepChecks(
  spec: SpecModel,
  file: string,
  { operationId, field }: StepInfo,
  step: RespectStep,
  token: string,
  /** The signing proxy's origin, shown as the provider's in the curl lines. */
  origin: { from: string; to: string },
): Check[] {
  const source = { kind: 'respect' as const, file, workflow: step.workflowId, step: step.stepId };
  const request = step.request;
  const curl = request
    ? curlLine(
        {
          method: request.method,
          url: request.url.startsWith(origin.from) ? `${origin.to}${request.url.slice(origin.from.length)}` : request.url,
          // The proxy's capability is the run's secret, and no part of the request the provider sees.
          headers: Object.fromEntries(
            Object.entries(request.headers ?? {}).filter(([name]) => name !== 'accept' && name.toLowerCase() !== CAPABILITY_HEADER),
          ),
          body: request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
        },
        token,
      )
    : undefined;
  const response = step.response;
  if (!response) {
    const why = step.checks.find((c) => !c.passed)?.message ?? 'no response';
    return [
      { operationId, name: `${step.stepId}: request sent`, source, passed: false, expected: 'an HTTP answer', got: stripAnsi(why), curl },
    ];
  }
  const contentType = String(headerOf(response.headers, 'content-type') ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const answer = { status: response.statusCode, contentType, body: response.body };

  const checks: Check[] = step.checks
    .filter((c) => c.name === 'success criteria check')
    .map((c) => {
      const condition = c.condition ?? c.message ?? '';
      const pointer = /\$response\.body#(\/[^\s=!<>]*)/.exec(condition)?.[1];
      return {
        operationId,
        name: `${step.stepId}: ${condition}`,
        field: pointer ? fieldName(pointer) : field,
        source,
        passed: c.passed,
        expected: condition,
        got: pointer
          ? `${fieldName(pointer)} = ${shown(response.body, pointer)} (${describeAnswer(answer)})`
          : `${describeAnswer(answer)}${fieldValue(response.body, field)}`,
        curl,
      };
    });

  const respectFailures = step.checks.filter((c) => c.name !== 'success criteria check' && !c.passed);
  const { problems, lines } = conformance(spec, spec.operation(operationId), answer);
  // Our ajv names every field; Respect's own message is only shown when ours found nothing.
  const details = problems.length
    ? lines
    : respectFailures.map(
        (c) =>
          `${c.name}: ${
            stripAnsi(c.message ?? '')
              .split('\n')
              .find((l) => l.trim()) ?? ''
          }`,
      );
  checks.push({
    operationId,
    name: `${step.stepId}: answer matches the spec`,
    field: fieldsOf(problems),
    source,
    passed: problems.length === 0 && respectFailures.length === 0,
    expected: 'documented status, content type and response schema',
    got: describeAnswer(answer),
    details,
    curl,
  });
  return checks;
}

const shown = (body: unknown, pointer: string) => JSON.stringify(valueAtPointer(body, pointer)) ?? 'absent';

/** ', status = "processed"' when the step's field is in the body: what a wrong transition did. */
const fieldValue = (body: unknown, field: string | undefined) =>
  field && /^\w+$/.test(field) && valueAtPointer(body, `/${field}`) !== undefined ? `, ${field} = ${shown(body, `/${field}`)}` : '';

const headerOf = (headers: Record<string, string> | undefined, name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
