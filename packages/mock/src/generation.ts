// One Prism with the spec it serves, and the requests it is answering: what a reload replaces
// behind the mock's port, the old one finishing its requests before it stops.
import type { PrismProcess } from './prism.js';
import { startPrismInProcess } from './prism-library.js';
import { prepareSpec, type ServedSpec } from './spec.js';

export interface Generation {
  prism: PrismProcess;
  spec: ServedSpec;
  inFlight: number;
}

/** How long a retired generation may take to finish the requests it has. */
const RETIRE_GRACE_MS = 5000;

/** Starts Prism on the spec file as it is now, as a library in this process. */
export async function startPrismGeneration(specFile: string, options: { dynamic: boolean; seed?: string | number }): Promise<Generation> {
  const spec = await prepareSpec(specFile);
  const { dynamic, seed } = options;
  try {
    // Silent: Prism's log costs it half its throughput, and the relay sees every violation anyway.
    const prism = await startPrismInProcess({ spec: spec.path, dynamic, seed });
    return { prism, spec, inFlight: 0 };
  } catch (error) {
    await spec.dispose();
    throw error;
  }
}

/** Lets a generation finish its requests, then stops its Prism and removes its copy of the spec. */
export async function retire(generation: Generation): Promise<void> {
  const deadline = Date.now() + RETIRE_GRACE_MS;
  while (generation.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await generation.prism.stop();
  // Only now: Prism watches the file it serves and restarts when it changes, so the copy must outlive Prism.
  await generation.spec.dispose();
}

/** The generation serving now, and the reloads that replace it one at a time. */
export class Rotation {
  private reloading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    public current: Generation,
    private readonly start: () => Promise<Generation>,
  ) {}

  /** One reload at a time, in the order asked: the last one serves the file as it is now. */
  reload(): Promise<void> {
    this.reloading = this.reloading
      .catch(() => undefined)
      .then(async () => {
        if (this.stopped) return;
        const next = await this.start();
        const previous = this.current;
        this.current = next;
        await retire(previous);
      });
    return this.reloading;
  }

  /** Waits for a reload under way, then retires the generation serving. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.reloading.catch(() => undefined);
    await retire(this.current);
  }
}
