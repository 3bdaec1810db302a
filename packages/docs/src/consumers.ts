// "Used by" under each operation of the docs page: the registered consumers whose contracts
// (spec/contracts/) call it, and the fields each relies on, in the operation's description, where
// the page's search finds them: a spec author sees who a change would break before making it.
import { readContracts, usageByOperation } from '@payouts/contracts';
import { HTTP_METHODS, SpecModel } from '@payouts/model';

type Document = Record<string, unknown>;

/** The document with each used operation's description saying who uses it; unchanged without contracts. */
export function withConsumers(document: Document, contractsDir: string | undefined): Document {
  if (!contractsDir) return document;
  const contracts = readContracts(contractsDir);
  if (contracts.length === 0) return document;
  const usage = usageByOperation(new SpecModel(document), contracts);
  const copy = structuredClone(document) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  for (const item of Object.values(copy.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method.toLowerCase()];
      const uses = typeof operation?.operationId === 'string' ? usage.get(operation.operationId) : undefined;
      if (!operation || !uses) continue;
      const lines = [
        `**Used by** ${uses.map((u) => u.consumer).join(', ')} (registered consumer contracts: \`pnpm can-i-deploy\` keeps them working).`,
        '',
        'The fields they rely on:',
        '',
        ...uses.map((u) => `- ${u.consumer}: ${u.fields.map((f) => `\`${f}\``).join(', ') || 'the call itself'}`),
      ];
      operation.description = `${String(operation.description ?? '').trimEnd()}\n\n${lines.join('\n')}\n`;
    }
  }
  return copy;
}
