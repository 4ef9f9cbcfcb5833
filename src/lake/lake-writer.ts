import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { Dataset } from '../core/lake-record.js';
import { sqlString } from './duckdb-engine.js';
import { renameDurably } from './durable-file.js';
import { LAKE_DATASETS, type LakeColumn } from './lake-columns.js';
import { newPartFileName, partitionDir, TEMP_PREFIX } from './partition-path.js';

export interface StagedRow<R> {
  partition: string;
  time: number;
  record: R & { raw: string };
}

export interface WrittenFile {
  dataset: Dataset;
  partition: string;
  /** Relative to the lake root, with forward slashes: what the catalog stores. */
  path: string;
  rows: number;
  bytes: number;
  minTime: number;
  maxTime: number;
}

const CHUNK = 2048;
const ROW_GROUP_SIZE = 122_880;

/**
 * Writes rows as zstd Parquet, one file per partition, sorted by the dataset's sort key.
 * Rows cross into DuckDB as two strings each (the raw payload and a JSON array of the other columns):
 * the fewest native calls per row, and DuckDB unpacks them on its own threads.
 * Files land under their final names (temp name, fsync, rename) but are visible only once registered.
 */
export class LakeWriter {
  private sequence = 0;

  constructor(
    private readonly duck: DuckDBConnection,
    readonly lakeDir: string,
  ) {}

  async write<R>(dataset: Dataset, rows: readonly StagedRow<R>[]): Promise<WrittenFile[]> {
    if (rows.length === 0) return [];
    const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<R>[];
    const stage = `stage_${dataset}_${++this.sequence}`;
    const bounds = new Map<string, { rows: number; minTime: number; maxTime: number }>();
    await this.duck.run(`CREATE TEMP TABLE ${stage} (raw VARCHAR, packed VARCHAR)`);
    try {
      const appender = await this.duck.createAppender(stage, 'main', 'temp');
      for (let start = 0; start < rows.length; start += CHUNK) {
        const n = Math.min(CHUNK, rows.length - start);
        const raws = new Array<string>(n);
        const packed = new Array<string>(n);
        for (let i = 0; i < n; i++) {
          const row = rows[start + i]!;
          const values: unknown[] = [row.partition];
          for (const c of columns) values.push(c.get(row.record));
          raws[i] = row.record.raw;
          packed[i] = JSON.stringify(values);
          const b = bounds.get(row.partition);
          if (b) {
            b.rows++;
            if (row.time < b.minTime) b.minTime = row.time;
            if (row.time > b.maxTime) b.maxTime = row.time;
          } else bounds.set(row.partition, { rows: 1, minTime: row.time, maxTime: row.time });
        }
        const chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR], n);
        chunk.setColumns([raws, packed]);
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      appender.closeSync();
      await this.duck.run(
        `CREATE TEMP TABLE ${stage}_sorted AS SELECT ${selectList(columns)} FROM ${stage} ` +
          `ORDER BY part, ${LAKE_DATASETS[dataset].sortKey.join(', ')}`,
      );
      const written: WrittenFile[] = [];
      try {
        for (const [partition, b] of [...bounds].sort(([a], [z]) => a.localeCompare(z))) {
          written.push({ dataset, partition, ...b, ...(await this.copyPartition(dataset, `${stage}_sorted`, partition)) });
        }
      } catch (error) {
        await this.discard(written);
        throw error;
      }
      return written;
    } finally {
      await this.duck.run(`DROP TABLE IF EXISTS ${stage}; DROP TABLE IF EXISTS ${stage}_sorted`);
    }
  }

  /** Deletes files that were written but will not be registered. */
  async discard(files: readonly { path: string }[]): Promise<void> {
    await Promise.all(files.map((f) => rm(join(this.lakeDir, f.path), { force: true })));
  }

  private async copyPartition(dataset: Dataset, table: string, partition: string) {
    const dir = partitionDir(dataset, partition);
    const name = newPartFileName();
    await mkdir(join(this.lakeDir, dir), { recursive: true });
    const temp = join(this.lakeDir, dir, `${TEMP_PREFIX}${name}`);
    const final = join(this.lakeDir, dir, name);
    await this.duck.run(
      `COPY (SELECT * EXCLUDE (part) FROM ${table} WHERE part = ${sqlString(partition)}) TO ${sqlString(temp)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
    await renameDurably(temp, final);
    return { path: `${dir}/${name}`, bytes: (await stat(final)).size };
  }
}

function selectList(columns: readonly { name: string; type: LakeColumn<never>['type'] }[]): string {
  const list = ['packed->>0 AS part'];
  columns.forEach((c, i) => {
    const text = `packed->>${i + 1}`;
    const expr =
      c.type === 'VARCHAR'
        ? text
        : c.type === 'TIMESTAMPTZ'
          ? `epoch_ms((${text})::BIGINT)::TIMESTAMPTZ`
          : `(${text})::${c.type}`;
    list.push(`${expr} AS "${c.name}"`);
  });
  list.push('raw');
  return list.join(', ');
}
