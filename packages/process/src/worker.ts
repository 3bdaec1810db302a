// A warm worker thread answering numbered requests, one answer each: the spec's lint and pnpm
// dev's build of the callers' packages run beside the main thread, their modules loaded once.
import { Worker } from 'node:worker_threads';

export class WorkerClient<Request extends { id: number }, Answer extends { id: number }> {
  private worker: Worker | undefined;
  private requests = 0;

  /** `script`: the worker's file (a built one, so the same path serves src/ in tests and dist/). */
  constructor(
    private readonly script: URL,
    /** The answer when the thread itself fails (it is started anew for the next request). */
    private readonly failed: (id: number, message: string) => Answer,
  ) {}

  ask(request: Omit<Request, 'id'>): Promise<Answer> {
    this.worker ??= new Worker(this.script);
    const worker = this.worker;
    const id = ++this.requests;
    return new Promise((resolve) => {
      const onMessage = (answer: Answer) => {
        if (answer.id !== id) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(answer);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        this.worker = undefined;
        resolve(this.failed(id, error.message));
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
