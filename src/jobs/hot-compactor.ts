import { compactHot, type HotCompaction, type HotCompactionDeps } from './compact-hot.js';
import { mergeSmallFiles, type SmallFilePolicy } from './compact-partitions.js';

export interface HotCompactorPolicy {
  maxRows: number;
  maxBytes: number;
  maxAgeMs: number;
  checkEveryMs: number;
  /** When the small files a partition gathers are merged. */
  merge: SmallFilePolicy;
}

export interface HotCompactorEvents {
  compacted?(c: HotCompaction, ms: number): void;
  merged?(m: { partitions: number; files: number }, ms: number): void;
  failed?(error: unknown): void;
}

/** How long a merged-away file stays on disk: a read that listed it just before the merge can still finish. */
const RETIRED_FILE_GRACE_MS = 10 * 60_000;

/**
 * Moves the hot tier into Parquet in the background: when it passes the row, byte or age threshold, and
 * everything at shutdown. One compaction at a time; errors are reported as events, never thrown at the server.
 */
export class HotCompactor {
  private timer: NodeJS.Timeout | null = null;
  /** Every round runs after the previous one: a timer check, `drain` and `stop` never overlap. */
  private rounds: Promise<unknown> = Promise.resolve();
  private checking = false;
  /** Files merged away (no longer registered), deleted once the grace has passed, or at stop. */
  private retired: { paths: string[]; at: number }[] = [];

  constructor(
    private readonly deps: HotCompactionDeps,
    private readonly policy: HotCompactorPolicy,
    private readonly events: HotCompactorEvents = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.policy.checkEveryMs);
    this.timer.unref();
  }

  /** Stops the schedule, moves every remaining hot row into Parquet and deletes the merged-away files. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.drain();
    await this.serially(() => this.removeRetired(Number.POSITIVE_INFINITY));
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
        await this.removeRetired(Date.now() - RETIRED_FILE_GRACE_MS);
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
    let result: HotCompaction;
    try {
      result = await compactHot(this.deps, this.policy.maxRows);
      if (result.rows > 0) this.events.compacted?.(result, performance.now() - started);
    } catch (error) {
      this.events.failed?.(error);
      return null;
    }
    if (result.partitions.length > 0) await this.merge(result.partitions);
    return result;
  }

  /** Merges the small files of the partitions a round wrote to, once they have enough of them. */
  private async merge(partitions: HotCompaction['partitions']): Promise<void> {
    const started = performance.now();
    try {
      const m = await mergeSmallFiles(this.deps, partitions, this.policy.merge);
      if (m.partitions === 0) return;
      this.retired.push({ paths: m.replaced, at: Date.now() });
      this.events.merged?.(m, performance.now() - started);
    } catch (error) {
      this.events.failed?.(error);
    }
  }

  /** Deletes the merged-away files retired before `before` (one that cannot be is left to orphan cleanup). */
  private async removeRetired(before: number): Promise<void> {
    const due = this.retired.filter((r) => r.at <= before);
    if (due.length === 0) return;
    this.retired = this.retired.filter((r) => r.at > before);
    try {
      await this.deps.writer.discard(due.flatMap((r) => r.paths.map((path) => ({ path }))));
    } catch (error) {
      this.events.failed?.(error);
    }
  }
}
