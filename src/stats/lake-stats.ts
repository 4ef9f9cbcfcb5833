import type { Catalog, TaskRow } from '../catalog/catalog.js';
import type { Dataset } from '../core/lake-record.js';

export interface LakeStats {
  /** `rows` counts every stored row, the hot tier's (`hotRows`: accepted by the service, not yet in Parquet) too. */
  datasets: Record<
    Dataset,
    { rows: number; hotRows: number; files: number; bytes: number; partitions: number }
  >;
  /** Messages per local day, hot ones included (`hot` of them); files and bytes are the day's Parquet. */
  days: { day: string; messages: number; hot: number; files: number; bytes: number }[];
  rawBytesIngested: number;
  parquetBytes: number;
  /** Parquet bytes as a fraction of the raw bytes ingested (lower is better). */
  compressionRatio: number | null;
  conversations: number;
  contacts: number;
  quarantine: Record<string, number>;
  ingests: Pick<TaskRow, 'id' | 'status' | 'startedAt' | 'endedAt' | 'counts' | 'error'>[];
}

/** What the lake holds, from the catalog alone (no file is opened). */
export async function lakeStats(catalog: Catalog, historyLimit = 20): Promise<LakeStats> {
  const datasets: LakeStats['datasets'] = {
    messages: { rows: 0, hotRows: 0, files: 0, bytes: 0, partitions: 0 },
    contacts: { rows: 0, hotRows: 0, files: 0, bytes: 0, partitions: 0 },
    events: { rows: 0, hotRows: 0, files: 0, bytes: 0, partitions: 0 },
  };
  const days = new Map<string, LakeStats['days'][number]>();
  const filePartitions = new Set<string>();
  for (const p of await catalog.partitions()) {
    const d = datasets[p.dataset];
    d.rows += p.rows;
    d.files += p.files;
    d.bytes += p.bytes;
    d.partitions++;
    filePartitions.add(`${p.dataset}/${p.partition}`);
    if (p.dataset === 'messages')
      days.set(p.partition, { day: p.partition, messages: p.rows, hot: 0, files: p.files, bytes: p.bytes });
  }
  for (const h of await catalog.hotPartitions()) {
    const d = datasets[h.dataset];
    d.rows += h.rows;
    d.hotRows += h.rows;
    if (!filePartitions.has(`${h.dataset}/${h.partition}`)) d.partitions++;
    if (h.dataset !== 'messages') continue;
    const day = days.get(h.partition);
    if (day) {
      day.messages += h.rows;
      day.hot += h.rows;
    } else days.set(h.partition, { day: h.partition, messages: h.rows, hot: h.rows, files: 0, bytes: 0 });
  }
  const all = await catalog.tasks(1_000_000, 'ingest');
  const rawBytesIngested = all.reduce(
    (sum, t) => sum + Number((t.counts as { bytesRead?: number } | null)?.bytesRead ?? 0),
    0,
  );
  const parquetBytes = datasets.messages.bytes + datasets.contacts.bytes + datasets.events.bytes;
  return {
    datasets,
    days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)),
    rawBytesIngested,
    parquetBytes,
    compressionRatio: rawBytesIngested > 0 ? parquetBytes / rawBytesIngested : null,
    conversations: (await catalog.conversations()).length,
    contacts: (await catalog.contacts()).length,
    quarantine: await catalog.quarantineCounts(),
    ingests: all.slice(0, historyLimit).map(({ id, status, startedAt, endedAt, counts, error }) => ({
      id,
      status,
      startedAt,
      endedAt,
      counts,
      error,
    })),
  };
}
