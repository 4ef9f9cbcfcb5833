import type { Catalog, NewQuarantine } from '../catalog/catalog.js';
import type { NewAuditEntry, NewHotRecord } from '../catalog/service-catalog.js';
import { type Dataset, type LakeRecord, recordKey, recordTime } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import { RecordEffects } from './record-effects.js';
import type { Pending, SchemaTracker } from './schema-tracker.js';

/** One payload's worth of work: its decoded records, or its rejection. */
export interface AcceptItem {
  records: readonly LakeRecord[];
  quarantine?: NewQuarantine;
  /** Payload field names per dataset (the schema-version signal). */
  fields?: ReadonlySet<string>;
  /** Appended to the audit log in the same transaction, if the item stores a record (a repeat does not). */
  audit?: NewAuditEntry;
}

export interface AcceptOutcome {
  /** Records newly stored, and records already stored (hot tier or lake) before this one. */
  stored: number;
  duplicates: number;
  quarantined: number;
}

interface Waiter {
  item: AcceptItem;
  resolve(o: AcceptOutcome): void;
  reject(e: unknown): void;
}

/**
 * The durable front door for live writes. Each accepted record is committed to the catalog's hot tier
 * (claimed identity + normalized record + raw payload) before `accept` resolves. Concurrent callers share
 * commits: while one transaction is being committed the next requests queue, and all of them go in the
 * next transaction (group commit) — one fsync for many acknowledgements, never none.
 */
export class HotTier {
  private queue: Waiter[] = [];
  private draining = false;
  /** Batches committed and waiting to be durable before their callers are answered. */
  private readonly syncing = new Set<Promise<void>>();
  /** How many transactions and records went through: for metrics. */
  readonly counters = { commits: 0, stored: 0, duplicates: 0, quarantined: 0 };

  constructor(
    private readonly catalog: Catalog,
    private readonly localDay: LocalDay,
    private readonly schema: SchemaTracker,
    private readonly maxBatch = 2000,
  ) {}

  accept(item: AcceptItem): Promise<AcceptOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Resolves when everything queued so far is committed and durable (shutdown). */
  async settle(): Promise<void> {
    while (this.draining || this.queue.length > 0 || this.syncing.size > 0)
      await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // Let every request already read from the sockets reach the queue first: they share this commit.
        await new Promise((resolve) => setImmediate(resolve));
        await this.start(this.queue.splice(0, this.maxBatch));
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Commits a batch; resolves once its transaction committed (or failed). Its callers are answered later,
   * once the commit is durable: meanwhile the next batch's transaction runs, so the event loop does not idle
   * through each fsync (about half of a commit's time under load).
   */
  private start(batch: Waiter[]): Promise<void> {
    return new Promise<void>((committed) => {
      const done: Promise<void> = this.commit(
        batch.map((w) => w.item),
        committed,
      )
        .then(
          (outcomes) => {
            batch.forEach((w, i) => {
              w.resolve(outcomes[i]!);
            });
          },
          (error) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          this.syncing.delete(done);
          committed();
        });
      this.syncing.add(done);
    });
  }

  private async commit(items: readonly AcceptItem[], committed: () => void): Promise<AcceptOutcome[]> {
    const acceptedAt = Date.now();
    const outcomes = items.map(
      (item): AcceptOutcome => ({ stored: 0, duplicates: 0, quarantined: item.quarantine ? 1 : 0 }),
    );
    // The first occurrence of an identity in this batch is the candidate; later ones are duplicates.
    const candidates = new Map<string, { record: LakeRecord; item: number }>();
    const fields = new Map<Dataset, Set<string>>();
    items.forEach((item, i) => {
      for (const r of item.records) {
        const id = `${r.dataset}\u0000${r.record.platform}\u0000${recordKey(r)}`;
        if (candidates.has(id)) outcomes[i]!.duplicates++;
        else candidates.set(id, { record: r, item: i });
        if (item.fields) {
          const set = fields.get(r.dataset) ?? new Set<string>();
          for (const f of item.fields) set.add(f);
          fields.set(r.dataset, set);
        }
      }
    });
    const groups = new Map<
      string,
      { dataset: Dataset; platform: string; list: { record: LakeRecord; item: number }[] }
    >();
    for (const c of candidates.values()) {
      const g = `${c.record.dataset}\u0000${c.record.record.platform}`;
      const group = groups.get(g);
      if (group) group.list.push(c);
      else groups.set(g, { dataset: c.record.dataset, platform: c.record.record.platform, list: [c] });
    }
    const pending: Pending[] = [];
    // Before the next batch's transaction, which starts once this one committed: it must see these versions.
    const onCommit = () => {
      this.schema.commit(pending);
      committed();
    };
    await this.catalog.write(async (tx) => {
      const effects = new RecordEffects();
      const hot: NewHotRecord[] = [];
      for (const { dataset, platform, list } of groups.values()) {
        const claims = list.map((c) => ({
          key: recordKey(c.record),
          partition: this.localDay.dayOf(recordTime(c.record)),
        }));
        const fresh = await tx.claimKeys(dataset, platform, claims);
        list.forEach((c, i) => {
          const claim = claims[i]!;
          if (!fresh.has(claim.key)) {
            outcomes[c.item]!.duplicates++;
            return;
          }
          outcomes[c.item]!.stored++;
          effects.note(c.record);
          hot.push({
            dataset,
            platform,
            recordKey: claim.key,
            partition: claim.partition,
            time: recordTime(c.record),
            conversationId: c.record.dataset === 'messages' ? c.record.record.conversationId : null,
            record: JSON.stringify(c.record.record),
            acceptedAt,
          });
        });
      }
      await tx.addHotRecords(hot);
      for (const [i, item] of items.entries())
        if (item.audit && outcomes[i]!.stored > 0) await tx.appendAudit(item.audit);
      await effects.apply(tx);
      const rejected = items.flatMap((item) => (item.quarantine ? [item.quarantine] : []));
      await tx.addQuarantine(rejected, null);
      for (const [dataset, seen] of fields) pending.push(await this.schema.versionFor(tx, dataset, seen));
    }, onCommit);
    this.counters.commits++;
    for (const o of outcomes) {
      this.counters.stored += o.stored;
      this.counters.duplicates += o.duplicates;
      this.counters.quarantined += o.quarantined;
    }
    return outcomes;
  }
}
