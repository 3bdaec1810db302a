// The truth behind the rules: the example consumers in consumers/ (a caller using every operation
// through @payouts/client, a React screen using @payouts/react's hooks, a callback sender)
// type-checked against the types generated from the head. A call site that no longer compiles is a
// breaking change whatever the rules said.
import { cp, mkdir, mkdtemp, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes } from '@payouts/types/generate';
import ts from 'typescript';

const require = createRequire(import.meta.url);
export const CONSUMERS_DIR = fileURLToPath(new URL('../consumers', import.meta.url));

export interface ConsumerBreak {
  /** The consumer's file and line, e.g. `consumers/caller.ts:58`. */
  location: string;
  /** The innermost named function the error is in (the exported ones are named after operations). */
  within: string | null;
  message: string;
}

/** The directory a workspace package resolves to from here (its package.json's folder). */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Type-checks every consumer against `@payouts/client` with the types of `bundle` (a bundled spec). */
export async function checkConsumers(bundle: string): Promise<ConsumerBreak[]> {
  const root = await mkdtemp(join(tmpdir(), 'payouts-consumers-'));
  try {
    const modules = join(root, 'node_modules');
    const client = join(modules, '@payouts', 'client');
    await mkdir(client, { recursive: true });
    await cp(join(packageDir('@payouts/client'), 'dist'), join(client, 'dist'), { recursive: true });
    await cp(join(packageDir('@payouts/client'), 'package.json'), join(client, 'package.json'));
    await generateTypes(bundle, join(client, 'dist', 'generated', 'openapi.d.ts'));
    // The hooks are copied too, so that their '@payouts/client' is the copy with the head's types.
    const reactDir = packageDir('@payouts/react');
    await cp(join(reactDir, 'dist'), join(modules, '@payouts', 'react', 'dist'), { recursive: true });
    await cp(join(reactDir, 'package.json'), join(modules, '@payouts', 'react', 'package.json'));
    const fromReact = createRequire(join(reactDir, 'package.json'));
    const linked = [
      ['@payouts/callbacks', packageDir('@payouts/callbacks')],
      ['openapi-fetch', packageDir('openapi-fetch')],
      ...['openapi-react-query', '@tanstack/react-query', 'react', '@types/react'].map((name) => [
        name,
        dirname(fromReact.resolve(`${name}/package.json`)),
      ]),
    ];
    for (const [name, dir] of linked) {
      await mkdir(dirname(join(modules, name!)), { recursive: true });
      await symlink(await realpath(dir!), join(modules, name!), 'dir');
    }
    const names = (await readdir(CONSUMERS_DIR)).filter((name) => /\.tsx?$/.test(name));
    await cp(CONSUMERS_DIR, join(root, 'consumers'), { recursive: true });
    const program = ts.createProgram(
      names.map((name) => join(root, 'consumers', name)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        jsx: ts.JsxEmit.ReactJSX,
        skipLibCheck: true,
        types: [],
      },
    );
    const breaks = ts.getPreEmitDiagnostics(program).map((diagnostic): ConsumerBreak => {
      // A whole object type in a message buries the one property that matters.
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/'\{[^']{80,}\}'/g, "'{...}'");
      if (!diagnostic.file || diagnostic.start === undefined) return { location: 'consumers', within: null, message };
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return {
        location: `${relative(root, diagnostic.file.fileName)}:${line + 1}`,
        within: enclosingName(diagnostic.file, diagnostic.start),
        message,
      };
    });
    // The same error twice on one line (a field read twice) is one break.
    return [...new Map(breaks.map((b) => [`${b.location} ${b.message}`, b])).values()];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The innermost named function around a position (a declaration, or a constant holding an arrow function). */
function enclosingName(file: ts.SourceFile, position: number): string | null {
  let found: string | null = null;
  const visit = (node: ts.Node) => {
    if (position < node.getStart(file) || position >= node.getEnd()) return;
    const isFunction =
      ts.isFunctionDeclaration(node) ||
      (ts.isVariableDeclaration(node) &&
        !!node.initializer &&
        (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)));
    if (isFunction && node.name && ts.isIdentifier(node.name)) found = node.name.text;
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
