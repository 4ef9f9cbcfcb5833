import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog, ConversationRow, DataFileRow } from '../catalog/catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { Dataset } from '../core/lake-record.js';
import { sqlString } from '../lake/duckdb-engine.js';

/** What unregistering one lost file does (or, on a dry run, would do). */
export interface MissingFileRepair {
  dataset: Dataset;
  partition: string;
  path: string;
  /** Rows the catalog says the file held. */
  rows: number;
  /** Sources its lineage names (what to ingest again to restore the rows). */
  sources: { uri: string; kind: string }[];
}

export interface MissingFilesRepair {
  files: MissingFileRepair[];
  /** Identities forgotten (their rows were only in the lost files): a later ingest stores them again. */
  keysReleased: number;
  /** File sources whose checkpoint is dropped, so that ingesting them again reads them from the start. */
  checkpointsReset: string[];
  /** Conversations whose message count was set back to what the lake still holds. */
  conversationsAdjusted: number;
  /** Partitions left alone because another of their files cannot be read (their identities are unknown). */
  skipped: { dataset: Dataset; partition: string; reason: string }[];
}

/** What the repair uses: the catalog, DuckDB (to read the partitions' other files) and the lake root. */
export interface RepairMissingFilesDeps {
  catalog: Catalog;
  config: Pick<ResolvedConfig, 'lakeDir'>;
  duck(): Promise<DuckDBConnection>;
}

const KEY_COLUMN: Record<Dataset, string> = {
  messages: 'message_id',
  contacts: 'record_key',
  events: 'record_key',
};

/**
 * Unregisters registered files that are gone from the disk, so that their rows can be ingested again. The
 * identity index (`record_keys`) names each key's partition, not its file, and a lost file cannot be read:
 * its identities are the partition's keys that no other file of the partition (read with DuckDB) and no hot
 * row holds. Those keys are released; the files go from the catalog (partition totals follow), with their
 * lineage; the checkpoints of the file sources the lineage names are dropped (the next ingest of such a log
 * reads it from the start: what is stored is skipped, the lost rows are stored again); conversations' counts
 * are recomputed from the messages that remain (files and hot tier). All of it in one
 * catalog transaction, unless `dryRun`. Call while holding the writer lock.
 */
export async function repairMissingFiles(
  lake: RepairMissingFilesDeps,
  missing: readonly DataFileRow[],
  unreadable: ReadonlySet<number>,
  dryRun: boolean,
): Promise<MissingFilesRepair> {
  const { catalog } = lake;
  const duck = await lake.duck();
  const out: MissingFilesRepair = {
    files: [],
    keysReleased: 0,
    checkpointsReset: [],
    conversationsAdjusted: 0,
    skipped: [],
  };
  const release = new Map<string, { dataset: Dataset; platform: string; keys: string[] }>();
  const removable: DataFileRow[] = [];
  const groups = new Map<string, DataFileRow[]>();
  for (const f of missing) {
    const k = `${f.dataset}\u0000${f.partition}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const hot = new Map<Dataset, Set<string>>();
  for (const [k, lost] of groups) {
    const { dataset, partition } = lost[0]!;
    const lostIds = new Set(lost.map((f) => f.id));
    const others = (await catalog.dataFiles({ dataset, partitions: [partition] })).filter(
      (f) => !lostIds.has(f.id),
    );
    const bad = others.find((f) => unreadable.has(f.id));
    if (bad) {
      out.skipped.push({
        dataset,
        partition,
        reason: `${bad.path} cannot be read either: which identities the lost file held is unknown`,
      });
      groups.delete(k);
      continue;
    }
    const present = new Set<string>();
    if (others.length > 0) {
      const list = others.map((f) => sqlString(join(lake.config.lakeDir, f.path))).join(', ');
      const r = await duck.runAndReadAll(
        `SELECT DISTINCT platform, ${KEY_COLUMN[dataset]} AS key FROM read_parquet([${list}], union_by_name = true)`,
      );
      for (const row of r.getRowObjectsJS()) present.add(`${row.platform}\u0000${row.key}`);
    }
    if (!hot.has(dataset)) {
      const rows = await catalog.hotRecords({ dataset });
      hot.set(dataset, new Set(rows.map((h) => `${h.partition}\u0000${h.platform}\u0000${h.recordKey}`)));
    }
    const hotKeys = hot.get(dataset)!;
    for (const { platform, key } of await catalog.partitionKeys(dataset, partition)) {
      if (present.has(`${platform}\u0000${key}`) || hotKeys.has(`${partition}\u0000${platform}\u0000${key}`))
        continue;
      const rk = `${dataset}\u0000${platform}`;
      if (!release.has(rk)) release.set(rk, { dataset, platform, keys: [] });
      release.get(rk)!.keys.push(key);
      out.keysReleased++;
    }
    removable.push(...lost);
  }
  const fileSources = new Map<number, string>();
  for (const f of removable) {
    const lineage = await catalog.lineage(f.id);
    const sources = await catalog.sourcesById([...new Set(lineage.map((l) => l.sourceId))]);
    for (const s of sources) if (s.kind === 'file') fileSources.set(s.id, s.uri);
    out.files.push({
      dataset: f.dataset,
      partition: f.partition,
      path: f.path,
      rows: f.rows,
      sources: sources.map((s) => ({ uri: s.uri, kind: s.kind })),
    });
  }
  out.checkpointsReset = [...fileSources.values()].sort();
  const conversations = removable.some((f) => f.dataset === 'messages')
    ? await conversationChanges(lake, new Set(removable.map((f) => f.id)))
    : [];
  out.conversationsAdjusted = conversations.length;
  if (dryRun || removable.length === 0) return out;
  await catalog.write(async (tx) => {
    const ids = removable.map((f) => f.id);
    await tx.removeDataFiles(ids);
    await tx.removeLineage(ids);
    for (const r of release.values()) await tx.releaseKeys(r.dataset, r.platform, r.keys);
    await tx.removeCheckpoints([...fileSources.keys()]);
    await tx.setConversationStats(conversations);
  });
  return out;
}

/**
 * Conversations whose message count (status syncs aside: what ingest adds up) is not what the remaining
 * messages (registered files but the removed ones, and hot rows) give, with that count. First/last times are
 * kept: a re-ingest of the lost rows widens them to exactly what they were.
 */
async function conversationChanges(
  lake: RepairMissingFilesDeps,
  removed: ReadonlySet<number>,
): Promise<ConversationRow[]> {
  const files = (await lake.catalog.dataFiles({ dataset: 'messages' })).filter((f) => !removed.has(f.id));
  const now = new Map<string, { n: number }>();
  const add = (platform: string, conversationId: string, n: number) => {
    const k = `${platform}\u0000${conversationId}`;
    const c = now.get(k);
    if (!c) now.set(k, { n });
    else c.n += n;
  };
  if (files.length > 0) {
    const duck = await lake.duck();
    const list = files.map((f) => sqlString(join(lake.config.lakeDir, f.path))).join(', ');
    const r = await duck.runAndReadAll(
      `SELECT platform, conversation_id, count(*) AS n FROM read_parquet([${list}], union_by_name = true) ` +
        `WHERE kind <> 'status' GROUP BY ALL`,
    );
    for (const row of r.getRowObjectsJS())
      add(String(row.platform), String(row.conversation_id), Number(row.n));
  }
  for (const h of await lake.catalog.hotRecords({ dataset: 'messages' })) {
    const m = JSON.parse(h.record) as { kind?: string; conversationId?: string };
    if (m.kind === 'status' || h.conversationId === null) continue;
    add(h.platform, h.conversationId, 1);
  }
  const changes: ConversationRow[] = [];
  for (const c of await lake.catalog.conversations()) {
    const n = now.get(`${c.platform}\u0000${c.conversationId}`)?.n ?? 0;
    if (n !== c.messageCount) changes.push({ ...c, messageCount: n });
  }
  return changes;
}
