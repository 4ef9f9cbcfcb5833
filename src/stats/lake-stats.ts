import type { Catalog, TaskRow } from '../catalog/catalog.js';
import type { Dataset } from '../core/lake-record.js';

export interface LakeStats {
  datasets: Record<Dataset, { rows: number; files: number; bytes: number; partitions: number }>;
  days: { day: string; messages: number; files: number; bytes: number }[];
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
    messages: { rows: 0, files: 0, bytes: 0, partitions: 0 },
    contacts: { rows: 0, files: 0, bytes: 0, partitions: 0 },
    events: { rows: 0, files: 0, bytes: 0, partitions: 0 },
  };
  const days: LakeStats['days'] = [];
  for (const p of await catalog.partitions()) {
    const d = datasets[p.dataset];
    d.rows += p.rows;
    d.files += p.files;
    d.bytes += p.bytes;
    d.partitions++;
    if (p.dataset === 'messages')
      days.push({ day: p.partition, messages: p.rows, files: p.files, bytes: p.bytes });
  }
  const all = await catalog.tasks(1_000_000, 'ingest');
  const rawBytesIngested = all.reduce(
    (sum, t) => sum + Number((t.counts as { bytesRead?: number } | null)?.bytesRead ?? 0),
    0,
  );
  const parquetBytes = datasets.messages.bytes + datasets.contacts.bytes + datasets.events.bytes;
  return {
    datasets,
    days,
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
