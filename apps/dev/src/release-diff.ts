// After each good save, what it means for the teams that call the API: the diff against the last
// release, in one line, then each registered consumer it breaks. It runs beside the next save's build, never in its way, one at a time.
import { registeredContracts } from '@payouts/contracts';
import { diffSpecs, lastRelease, summaryLine } from '@payouts/diff';
import { bundlePath, releasePath } from '@payouts/spec';

export class ReleaseDiff {
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly log: (line: string) => void) {}

  /** Compares the bundle just written with the last release, after any comparison still running. */
  sayWhatChanged(): void {
    const last = lastRelease();
    if (!last) return;
    const previous = this.running;
    this.running = (async () => {
      await previous;
      try {
        // The rules only: the example consumers' type-check would take this process's thread from the next save.
        const result = await diffSpecs({
          baseFile: releasePath(last),
          headFile: bundlePath('json'),
          consumers: false,
          contracts: registeredContracts(),
          signal: this.stopping.signal,
        });
        this.log(summaryLine(result, `this save vs v${last}`));
      } catch (error) {
        if (this.stopping.signal.aborted) return; // the session is stopping
        this.log(`✗ could not compare with v${last}: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  }

  /** Ends a comparison under way (its Redocly process ends with it). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }
}
