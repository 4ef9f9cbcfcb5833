import { parentPort, type Transferable, Worker } from 'node:worker_threads';

type ToWorker<Req> = { id: number; request: Req } | { close: true };
type FromWorker<Res> = { ready: true } | { id: number; result: Res } | { id: number; error: string };

/**
 * A worker thread that answers requests (its entry calls `serveRequests`), started on first use and started
 * again after it died; a death fails the requests it had. Several requests may be in flight; each gets its own
 * answer. Running from the TypeScript source (tests, `bin/run-ts.js`), the worker loads tsx first.
 */
export class WorkerThread<Req, Res> {
  private worker: Promise<Worker> | null = null;
  private readonly pending = new Map<number, { resolve(r: Res): void; reject(e: Error): void }>();
  private readonly inFlight = new Set<Promise<Res>>();
  private nextId = 0;

  /**
   * @param from the `import.meta.url` of the module next to the entry
   * @param entry the entry's file name without extension (`.ts` or `.js` as `from` has)
   * @param name what error messages call it
   */
  constructor(
    private readonly from: string,
    private readonly entry: string,
    private readonly workerData: unknown,
    private readonly name: string,
  ) {}

  async request(request: Req, transfer: readonly Transferable[] = []): Promise<Res> {
    const worker = await this.started();
    const id = ++this.nextId;
    const answer = new Promise<Res>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request } satisfies ToWorker<Req>, [...transfer]);
    });
    this.inFlight.add(answer);
    const forget = () => this.inFlight.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  /** Lets the worker answer what it has, close its resources and exit. */
  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    const worker = await this.worker?.catch(() => null);
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ close: true } satisfies ToWorker<Req>);
    await exited;
  }

  private started(): Promise<Worker> {
    if (this.worker) return this.worker;
    const started = new Promise<Worker>((resolve, reject) => {
      const worker = spawn(this.from, this.entry, this.workerData);
      // 'error' is followed by 'exit': only the first one counts, and only while this worker is the current one.
      const failed = (error: Error) => {
        if (this.worker !== started) return;
        this.worker = null;
        reject(error);
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      };
      worker.on('message', (reply: FromWorker<Res>) => {
        if ('ready' in reply) return resolve(worker);
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if ('error' in reply) p?.reject(new Error(reply.error));
        else p?.resolve(reply.result);
      });
      worker.on('error', (error) => failed(new Error(`${this.name} failed: ${error.message}`)));
      worker.on('exit', (code) => failed(new Error(`${this.name} exited (code ${code})`)));
    });
    this.worker = started;
    return started;
  }
}

function spawn(from: string, entry: string, workerData: unknown): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, from), { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const url = JSON.stringify(new URL(`./${entry}.ts`, from).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${url}); });`, {
    eval: true,
    workerData,
  });
}

/**
 * The worker's side: answers each request with `handle` (an error becomes the request's rejection), and on
 * close runs `close` and lets the thread end. `transfer` names what a result may hand over without a copy.
 */
export function serveRequests<Req, Res>(
  handle: (request: Req) => Res | Promise<Res>,
  close: () => void | Promise<void>,
  transfer: (result: Res) => Transferable[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests runs in a worker thread');
  port.on('message', async (message: ToWorker<Req>) => {
    if ('close' in message) {
      await close();
      port.close();
      return;
    }
    let reply: FromWorker<Res>;
    let moved: Transferable[] = [];
    try {
      const result = await handle(message.request);
      reply = { id: message.id, result };
      moved = transfer(result);
    } catch (error) {
      reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply, moved);
  });
  port.postMessage({ ready: true } satisfies FromWorker<Res>);
}
