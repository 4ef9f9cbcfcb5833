import { compactHot, type HotCompaction, type HotCompactionDeps } from './compact-hot.js';

export interface HotCompactorPolicy {
  maxRows: number;
  maxBytes: number;
  maxAgeMs: number;
  checkEveryMs: number;
}

export interface HotCompactorEvents {
  compacted?(c: HotCompaction, ms: number): void;
  failed?(error: unknown): void;
}

/**
 * Moves the hot tier into Parquet in the background: when it passes the row, byte or age threshold, and
 * everything at shutdown. One compaction at a time; errors are reported as events, never thrown at the server.
 */
export class HotCompactor {
  private timer: NodeJS.Timeout | null = null;
  /** Every round runs after the previous one: a timer check, `drain` and `stop` never overlap. */
  private rounds: Promise<unknown> = Promise.resolve();
  private checking = false;

  constructor(
    private readonly deps: HotCompactionDeps,
    private readonly policy: HotCompactorPolicy,
    private readonly events: HotCompactorEvents = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.policy.checkEveryMs);
    this.timer.unref();
  }

  /** Stops the schedule and moves every remaining hot row into Parquet. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.drain();
  }

  /** Compacts everything now (on demand), in rounds of maxRows. */
  async drain(): Promise<void> {
    for (;;) {
      const c = await this.serially(() => this.round());
      if (!c || c.rows === 0 || c.skipped) return;
    }
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.serially(async () => {
        const s = await this.deps.catalog.hotSummary().catch(() => null);
        if (!s || s.rows === 0) return;
        const due =
          s.rows >= this.policy.maxRows ||
          s.bytes >= this.policy.maxBytes ||
          (s.oldestAcceptedAt !== null && Date.now() - s.oldestAcceptedAt >= this.policy.maxAgeMs);
        if (due) await this.round();
      });
    } finally {
      this.checking = false;
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.rounds.then(work);
    this.rounds = next.catch(() => {});
    return next;
  }

  private async round(): Promise<HotCompaction | null> {
    const started = performance.now();
    try {
      const result = await compactHot(this.deps, this.policy.maxRows);
      if (result.rows > 0) this.events.compacted?.(result, performance.now() - started);
      return result;
    } catch (error) {
      this.events.failed?.(error);
      return null;
    }
  }
}
