// ARCHITECTURE.md's dependency graph is the workspace's: every edge it draws is in a package.json,
// and every @payouts/* dependency of a package.json is drawn (a devDependency with its `*`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `dependency <- dependent` for every @payouts/* dependency, `*` marking a devDependency. */
function edgesOfWorkspace(): string[] {
  const folders = ['spec', 'e2e', ...['packages', 'apps'].flatMap((dir) => readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}`))];
  const edges: string[] = [];
  for (const folder of folders) {
    let manifest: Record<string, Record<string, string> | string>;
    try {
      manifest = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const short = (name: string) => name.replace('@payouts/', '');
    const dependent = short(manifest.name as string);
    for (const [field, mark] of [
      ['dependencies', ''],
      ['peerDependencies', ''],
      ['devDependencies', '*'],
    ] as const) {
      for (const name of Object.keys((manifest[field] as Record<string, string> | undefined) ?? {})) {
        if (!name.startsWith('@payouts/')) continue;
        const edge = `${short(name)} <- ${dependent}${mark}`;
        // A peer dependency is installed as a devDependency too: drawn once, as the peer.
        if (field === 'devDependencies' && edges.includes(`${short(name)} <- ${dependent}`)) continue;
        edges.push(edge);
      }
    }
  }
  return edges.sort();
}

/** The edges the graph in ARCHITECTURE.md draws: `model ◀── spec, client*` is `model <- spec`, `model <- client*`. */
function edgesOfMap(): string[] {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const graph = /## Dependency graph[^\n]*\n[\s\S]*?```\n([\s\S]*?)```/.exec(text)?.[1];
  if (!graph) throw new Error('ARCHITECTURE.md has no dependency graph block under "## Dependency graph"');
  const edges: string[] = [];
  for (const line of graph.split('\n')) {
    const [left, right] = line.split('◀──');
    if (right === undefined) continue;
    const dependents = right
      .replace(/\([^)]*\)/g, '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    for (const dependency of left!.split(',').map((d) => d.trim())) {
      for (const dependent of dependents) edges.push(`${dependency} <- ${dependent}`);
    }
  }
  return edges.sort();
}

describe("ARCHITECTURE.md's dependency graph", () => {
  it("draws exactly the workspace's @payouts/* dependencies", () => {
    const workspace = edgesOfWorkspace();
    const map = edgesOfMap();
    expect({
      missingFromTheMap: workspace.filter((e) => !map.includes(e)),
      notInTheWorkspace: map.filter((e) => !workspace.includes(e)),
    }).toEqual({
      missingFromTheMap: [],
      notInTheWorkspace: [],
    });
  });
});
