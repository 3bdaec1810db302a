import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpecModel } from '@payouts/model';
import { bundlePath } from '@payouts/spec';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR, PACKAGE_DIR } from './build.js';
import { codeSamplesFor, tsLiteral, withCodeSamples } from './code-samples.js';

type JsonObject = Record<string, any>;

const spec: JsonObject = JSON.parse(await readFile(bundlePath('json'), 'utf8'));

function samples(document: JsonObject, path: string, method: string) {
  const model = new SpecModel(document);
  const operation = model.operations.find((op) => op.path === path && op.method === method.toUpperCase());
  if (!operation) throw new Error(`no operation ${method.toUpperCase()} ${path} in the spec`);
  const [curl, typeScript] = codeSamplesFor(model, operation);
  return { curl: curl!.source, typeScript: typeScript!.source };
}

/** A one-operation spec to bend for the edge cases. */
function tinySpec(operation: JsonObject, pathItem: JsonObject = {}): JsonObject {
  return {
    openapi: '3.1.0',
    servers: [{ url: 'https://api.test/' }],
    security: [{ bearerAuth: [] }],
    paths: {
      '/v1/things/{id}/': { ...pathItem, post: { operationId: 'doThing', responses: { '200': { description: 'ok' } }, ...operation } },
    },
  };
}

describe('code samples from the spec', () => {
  it('writes Process Payout as upstream documents it: path id, bearer token, the body example, and an Idempotency-Key', () => {
    const { curl, typeScript } = samples(spec, '/v1/lms/payouts/{id}/mark_processed/', 'put');
    expect(curl).toBe(
      [
        `curl -X PUT 'https://preprod.api.crego.io/v1/lms/payouts/bb572e48-1d50-4a53-b5ae-37b23855f84f/mark_processed/' \\`,
        `  -H "Authorization: Bearer $CREGO_TOKEN" \\`,
        `  -H 'Idempotency-Key: 5f0c2b1e-7d3a-4c88-9b21-0e4f6a7d8c90' \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d '{`,
        `  "utr": "123123123123123",`,
        `  "processed_at": 1693161000,`,
        `  "debit_bank_id": "f808a4b5-d281-4988-8261-8c7ac0a8abbc"`,
        `}'`,
      ].join('\n'),
    );
    expect(typeScript).toBe(
      [
        `import { createPayoutsClient } from '@payouts/client';`,
        ``,
        `const client = createPayoutsClient({`,
        `  baseUrl: 'https://preprod.api.crego.io',`,
        `  token: process.env.CREGO_TOKEN,`,
        `});`,
        ``,
        `const { data, error } = await client.PUT('/v1/lms/payouts/{id}/mark_processed/', {`,
        `  params: {`,
        `    path: { id: 'bb572e48-1d50-4a53-b5ae-37b23855f84f' },`,
        `    header: {`,
        `      'Idempotency-Key': '5f0c2b1e-7d3a-4c88-9b21-0e4f6a7d8c90',`,
        `    },`,
        `  },`,
        `  body: {`,
        `    utr: '123123123123123',`,
        `    processed_at: 1693161000,`,
        `    debit_bank_id: 'f808a4b5-d281-4988-8261-8c7ac0a8abbc',`,
        `  },`,
        `});`,
      ].join('\n'),
    );
  });

  it('signs Payout Callback as the provider does: the body in one variable, openssl HMAC over "<t>.<body>", no bearer token', () => {
    const { curl, typeScript } = samples(spec, '/v1/lms/payouts/callback/', 'post');
    expect(curl.split('\n').slice(6)).toEqual([
      `T=$(date +%s)`,
      `SIGNATURE=$(printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$PAYOUTS_CALLBACK_SECRET" | sed 's/^.* //')`,
      `curl -X POST 'https://preprod.api.crego.io/v1/lms/payouts/callback/' \\`,
      `  -H "X-Payout-Signature: t=$T,v1=$SIGNATURE" \\`,
      `  -H 'Idempotency-Key: 5f0c2b1e-7d3a-4c88-9b21-0e4f6a7d8c90' \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  --data-binary "$BODY"`,
    ]);
    expect(curl).not.toContain('Authorization');
    expect(typeScript).toContain(`headers: { 'X-Payout-Signature': signCallback(JSON.stringify(body), secret) },`);
    expect(typeScript).not.toContain('token:');
  });

  it('sends the Idempotency-Key header on Create Payout, and asks Export Payout for Bank for its CSV as text', () => {
    const create = samples(spec, '/v1/lms/payouts/', 'post');
    expect(create.curl).toContain(`-H 'Idempotency-Key: 5f0c2b1e-7d3a-4c88-9b21-0e4f6a7d8c90'`);
    expect(create.typeScript).toContain(`'Idempotency-Key': '5f0c2b1e-7d3a-4c88-9b21-0e4f6a7d8c90'`);

    const exported = samples(spec, '/v1/lms/payouts/export/', 'put');
    expect(exported.curl).toContain(`-H 'Accept: text/csv'`);
    expect(exported.typeScript).toContain(`parseAs: 'text'`);
  });

  it('shows at most two optional filters, skipping ones that only repeat the default', () => {
    const { curl, typeScript } = samples(spec, '/v1/lms/payouts/', 'get');
    expect(curl).toContain(`'https://preprod.api.crego.io/v1/lms/payouts/?status=failed&type=disbursement'`);
    expect(typeScript).toContain(`query: { status: 'failed', type: 'disbursement' }`);
    expect(curl).not.toContain('page_size');
  });

  it('quotes what the shell and TypeScript would otherwise misread', () => {
    const document = tinySpec(
      {
        parameters: [{ name: 'X-Note', in: 'header', required: true, example: "it's" }],
        requestBody: { required: true, content: { 'application/json': { example: { remark: 'bank\'s "reply"' } } } },
      },
      { parameters: [{ name: 'id', in: 'path', required: true, example: 'a b/c' }] },
    );
    const { curl, typeScript } = samples(document, '/v1/things/{id}/', 'post');
    expect(curl).toContain(`curl -X POST 'https://api.test/v1/things/a%20b%2Fc/'`);
    expect(curl).toContain(`-H 'X-Note: it'\\''s'`);
    expect(curl).toContain(`"remark": "bank'\\''s \\"reply\\""`);
    expect(typeScript).toContain(`header: { 'X-Note': 'it\\'s' }`);
    expect(typeScript).toContain(`remark: 'bank\\'s "reply"'`);
  });

  it('writes TypeScript literals on one line when short and flat, else one entry per line', () => {
    expect(tsLiteral({ a: 1, 'b-c': null, d: true })).toBe(`{ a: 1, 'b-c': null, d: true }`);
    expect(tsLiteral({ nested: { a: 1 } })).toBe(`{\n  nested: { a: 1 },\n}`);
    expect(tsLiteral([])).toBe('[]');
    expect(tsLiteral('x'.repeat(70).split(''))).toContain(`[\n  'x',\n`);
  });

  it('refuses an operation whose samples would need an example the spec does not give, naming it', () => {
    const noPathExample = tinySpec({}, { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] });
    expect(() => withCodeSamples(noPathExample)).toThrow(
      'cannot write code samples for doThing (POST /v1/things/{id}/): path parameter "id" has no example',
    );
    const noBodyExample = tinySpec(
      { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } } },
      { parameters: [{ name: 'id', in: 'path', required: true, example: '1' }] },
    );
    expect(() => withCodeSamples(noBodyExample)).toThrow('doThing (POST /v1/things/{id}/): the request body has no example');
    expect(() => withCodeSamples({ ...noBodyExample, servers: [] })).toThrow('the spec has no servers[0].url');
  });

  it('adds curl and TypeScript to every operation of the spec, and leaves the input alone', () => {
    const withSamples = withCodeSamples(spec);
    const labels = Object.values(withSamples.paths as JsonObject).flatMap((pathItem: JsonObject) =>
      Object.values(pathItem)
        .filter((operation: JsonObject) => operation.operationId)
        .map((operation: JsonObject) => operation['x-codeSamples'].map((sample: JsonObject) => sample.label).join(',')),
    );
    const operations = new SpecModel(spec).operations.map((op) => op.operationId);
    expect(labels).toEqual(
      operations.map((id) =>
        id === 'retryFailedPayout'
          ? 'curl,TypeScript,TypeScript: every failed payout,TypeScript: every reversed payout'
          : 'curl,TypeScript',
      ),
    );
    expect(JSON.stringify(spec)).not.toContain('x-codeSamples');
  });
});

describe('the TypeScript samples', () => {
  it('type-check against @payouts/client and the spec types, as a reader would paste them', async () => {
    const withSamples = withCodeSamples(spec);
    // Inside this package, so '@payouts/client' resolves as it would in a reader's project.
    await mkdir(DEFAULT_OUT_DIR, { recursive: true });
    const dir = await mkdtemp(join(DEFAULT_OUT_DIR, '.samples-'));
    try {
      const files: string[] = [];
      for (const [path, pathItem] of Object.entries(withSamples.paths as JsonObject)) {
        for (const operation of Object.values(pathItem as JsonObject)) {
          const samples = (operation['x-codeSamples'] ?? []).filter((candidate: JsonObject) => candidate.lang === 'TypeScript');
          for (const [i, sample] of samples.entries()) {
            const file = join(dir, `${operation.operationId}-${i}.ts`);
            // A module either way: the request sample exports its answer, the loop nothing.
            const end = sample.source.includes('const { data, error }') ? 'export { data, error };' : 'export {};';
            await writeFile(file, `// ${path}\n${sample.source}\n${end}\n`);
            files.push(file);
          }
        }
      }
      // One per operation, and the two loops of Retry Failed Payout (its failed and its reversed payouts).
      expect(files).toHaveLength(new SpecModel(spec).operations.length + 2);
      const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        types: ['node'],
        typeRoots: [join(PACKAGE_DIR, 'node_modules', '@types')],
        skipLibCheck: true,
      });
      const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
        const where = diagnostic.file ? `${diagnostic.file.fileName.slice(dir.length + 1)}: ` : '';
        return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      });
      expect(problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
