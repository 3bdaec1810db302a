import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileWatcher, watchFiles, watchPath } from './watch.js';

let dir: string;
let watcher: FileWatcher | undefined;
const calls: string[][] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-watch-'));
  await mkdir(join(dir, 'src'));
  await mkdir(join(dir, 'dist'));
  calls.length = 0;
});
afterEach(async () => {
  await watcher?.close();
  await rm(dir, { recursive: true, force: true });
});

const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `count` calls were made (a busy machine may take a while), then a little more. */
async function callsReach(count: number) {
  for (const deadline = Date.now() + 10_000; calls.length < count && Date.now() < deadline; ) await settle(20);
  await settle(); // room for a call that should not come
}

describe('watchFiles', () => {
  it('calls once per burst of saves, with the files that changed', async () => {
    watcher = watchFiles(
      dir,
      dir,
      (file) => file.startsWith('dist'),
      async (changed) => void calls.push(changed),
    );
    await writeFile(join(dir, 'src/a.yaml'), 'a: 1');
    await writeFile(join(dir, 'src/b.yaml'), 'b: 1');
    await writeFile(join(dir, 'dist/out.json'), '{}'); // ignored
    await callsReach(1);
    expect(calls).toEqual([['src/a.yaml', 'src/b.yaml']]);
  });

  it('sees every save of a file whatever the editor does: written in place, or renamed over it', async () => {
    const file = join(dir, 'src/a.yaml');
    await writeFile(file, 'a: 0');
    watcher = watchFiles(
      dir,
      dir,
      (name) => name.startsWith('dist'),
      async (changed) => void calls.push(changed.filter((name) => name.endsWith('a.yaml'))),
    );
    const renamedOver = async (text: string) => {
      await writeFile(`${file}.swp`, text);
      await rename(`${file}.swp`, file);
    };
    await renamedOver('a: 1');
    await callsReach(1);
    await writeFile(file, 'a: 2'); // the save Node's watch used to lose after a rename
    await callsReach(2);
    await renamedOver('a: 3');
    await callsReach(3);
    await writeFile(file, 'a: 4');
    await callsReach(4);
    expect(calls).toHaveLength(4);
    for (const call of calls) expect(call).toEqual(['src/a.yaml']);
  });

  it('skips a save that leaves the content as it was', async () => {
    watcher = watchFiles(
      dir,
      dir,
      () => false,
      async (changed) => void calls.push(changed),
    );
    await writeFile(join(dir, 'src/a.yaml'), 'a: 1');
    await callsReach(1);
    await writeFile(join(dir, 'src/a.yaml'), 'a: 1');
    await settle();
    await writeFile(join(dir, 'src/a.yaml'), 'a: 2');
    await callsReach(2);
    expect(calls).toEqual([['src/a.yaml'], ['src/a.yaml']]);
  });

  it('never runs two calls at once: saves made during one become one more call', async () => {
    let running = 0;
    let most = 0;
    watcher = watchFiles(
      dir,
      dir,
      () => false,
      async (changed) => {
        most = Math.max(most, ++running);
        calls.push(changed);
        await settle(600);
        running--;
      },
    );
    await writeFile(join(dir, 'src/a.yaml'), 'a: 1');
    await settle(350); // seen, settled: the first call is under way
    await writeFile(join(dir, 'src/a.yaml'), 'a: 2');
    await writeFile(join(dir, 'src/b.yaml'), 'b: 1');
    await callsReach(2);
    await settle(300);
    expect(most).toBe(1);
    expect(calls).toEqual([['src/a.yaml'], ['src/a.yaml', 'src/b.yaml']]);
  });

  it('close() waits for the call under way', async () => {
    let finished = false;
    watcher = watchFiles(
      dir,
      dir,
      () => false,
      async () => {
        await settle(600);
        finished = true;
      },
    );
    await writeFile(join(dir, 'src/a.yaml'), 'a: 1');
    await settle(350); // seen, settled: the call is under way
    await watcher.close();
    expect(finished).toBe(true);
  });
});

describe('watchPath', () => {
  it('follows a file replaced together with its folder', async () => {
    const file = join(dir, 'dist/openapi.yaml');
    await writeFile(file, 'v: 1');
    watcher = watchPath(file, dir, async (changed) => void calls.push(changed));
    await mkdir(join(dir, 'dist.new'));
    await writeFile(join(dir, 'dist.new/openapi.yaml'), 'v: 2');
    await rm(join(dir, 'dist'), { recursive: true });
    await rename(join(dir, 'dist.new'), join(dir, 'dist'));
    await callsReach(1);
    expect(calls).toEqual([['dist/openapi.yaml']]);
  });
});
