import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Node, SpecModel } from '@payouts/model';
import { isAlive } from '@payouts/process';

/** Copies of the spec for Prism live in `<tmpdir>/payouts-mock-<pid of the mock's process>-XXXXXX`. */
const COPY_PREFIX = 'payouts-mock-';

export interface ServedSpec {
  model: SpecModel;
  /** The document to hand to Prism: the spec itself, or a copy in a temporary folder. */
  path: string;
  /** Removes the copy, if one was made. */
  dispose(): Promise<void>;
}

/**
 * Reads the spec and prepares the document Prism serves.
 *
 * Prism (through @stoplight/http-spec) answers a media type's schema-level `example` before the
 * media type's named `examples`: with this spec, List Payouts would answer the empty page of the
 * PayoutPage schema and Create Payout a processed payout. When that happens Prism gets a copy in
 * which each such media type's `example` is its first named example, so the default answer is the
 * realistic example written for that response; nothing else in the copy differs.
 */
export async function prepareSpec(specPath: string): Promise<ServedSpec> {
  const model = SpecModel.load(specPath);
  if (model.operations.length === 0) throw new Error(`the spec ${specPath} has no operations`);
  const copy = structuredClone(model.document);
  if (!preferNamedExamples(new SpecModel(copy))) return { model, path: specPath, dispose: async () => undefined };
  await removeOrphanedCopies();
  const folder = await mkdtemp(join(tmpdir(), `${COPY_PREFIX}${process.pid}-`));
  const path = join(folder, 'openapi.json');
  await writeFile(path, JSON.stringify(copy));
  return { model, path, dispose: () => rm(folder, { recursive: true, force: true }) };
}

/** Removes the copies left by mocks whose process died without stop() (a kill -9, a crash). */
async function removeOrphanedCopies(): Promise<void> {
  const pattern = new RegExp(`^${COPY_PREFIX}(\\d+)-`);
  for (const name of await readdir(tmpdir()).catch(() => [])) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (pid && !isAlive(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Sets `example` to the first named example on each response media type that has named examples; true if any changed. */
function preferNamedExamples(model: SpecModel): boolean {
  let changed = false;
  for (const operation of model.operations) {
    for (const response of operation.responses) {
      const content: Node = model.at(response.pointer).content ?? {};
      for (const media of response.content) {
        const [first] = media.examples;
        const node: Node = content[media.type];
        if (first === undefined || 'example' in node) continue;
        node.example = first.value;
        changed = true;
      }
    }
  }
  return changed;
}
