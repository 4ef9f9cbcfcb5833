import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import type { DataFile } from '../core/data-file.js';
import type { Dataset } from '../core/lake-record.js';
import { sqlString } from './duckdb-engine.js';
import { publishDurably } from './durable-file.js';
import { LAKE_DATASETS, type LakeColumn, sortKeyComparator } from './lake-columns.js';
import { newPartFileName, partitionDir, TEMP_PREFIX } from './partition-path.js';

export interface StagedRow<R> {
  partition: string;
  time: number;
  record: R & { raw: string };
}

export type WrittenFile = DataFile;

const CHUNK = 2048;
/**
 * How every lake file is written. Rows are sorted by conversation then time, so small row groups let a read
 * of one conversation skip the others by their min/max statistics: a page of 50 from a 16k-row day file
 * takes ~2.4x less time with 4,096-row groups than with one group (bench/http), for ~4% more bytes.
 */
export const PARQUET_COPY_OPTIONS = 'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096';

/**
 * Writes rows as zstd Parquet, one file per partition, sorted by the dataset's sort key (sorted here, in JS:
 * cheaper than a DuckDB sort that drags every payload along). Rows cross into DuckDB as two strings each
 * (the raw payload and a JSON array of the other columns): the fewest native calls per row; DuckDB unpacks
 * them on its own threads while writing, and the staging table's insertion order is the file's order.
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
    const byKey = sortKeyComparator<R>(dataset);
    const sorted = [...rows].sort((a, b) =>
      a.partition === b.partition ? byKey(a.record, b.record) : a.partition < b.partition ? -1 : 1,
    );
    const bounds = new Map<string, { first: number; rows: number; minTime: number; maxTime: number }>();
    sorted.forEach((row, i) => {
      const b = bounds.get(row.partition);
      if (!b) bounds.set(row.partition, { first: i, rows: 1, minTime: row.time, maxTime: row.time });
      else {
        b.rows++;
        if (row.time < b.minTime) b.minTime = row.time;
        if (row.time > b.maxTime) b.maxTime = row.time;
      }
    });
    const stage = await this.stage(
      dataset,
      sorted.map((r) => r.record),
    );
    try {
      const written: (WrittenFile & { temp: string })[] = [];
      try {
        for (const [partition, { first, ...b }] of bounds) {
          const file = await this.copyRows(dataset, stage, columns, partition, first, first + b.rows - 1);
          written.push({ dataset, partition, ...b, ...file, bytes: 0 });
        }
        await Promise.all(written.map(async (f) => (f.bytes = (await stat(f.temp)).size)));
        await publishDurably(written.map((f) => ({ from: f.temp, to: join(this.lakeDir, f.path) })));
      } catch (error) {
        await Promise.all(written.map((f) => rm(f.temp, { force: true })));
        await this.discard(written);
        throw error;
      }
      return written.map(({ temp, ...f }) => f);
    } finally {
      await this.duck.run(`DROP TABLE IF EXISTS ${stage}`);
    }
  }

  /**
   * Writes the rows of several files of one partition as one file, sorted like every data file (temp name,
   * fsync, rename: visible only once registered). Returns it without its schema version.
   */
  async merge(files: readonly DataFile[]): Promise<WrittenFile> {
    const { dataset, partition } = files[0]!;
    const { temp, path } = await this.newFile(dataset, partition);
    const final = join(this.lakeDir, path);
    const list = files.map((f) => sqlString(join(this.lakeDir, f.path))).join(', ');
    try {
      // hive_partitioning off: the year=/month=/day= folders are not columns of the files.
      await this.duck.run(
        `COPY (SELECT * FROM read_parquet([${list}], union_by_name = true, hive_partitioning = false) ` +
          `ORDER BY ${LAKE_DATASETS[dataset].sortKey.join(', ')}) TO ${sqlString(temp)} (${PARQUET_COPY_OPTIONS})`,
      );
      await publishDurably([{ from: temp, to: final }]);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return {
      dataset,
      partition,
      path,
      rows: files.reduce((n, f) => n + f.rows, 0),
      bytes: (await stat(final)).size,
      minTime: Math.min(...files.map((f) => f.minTime)),
      maxTime: Math.max(...files.map((f) => f.maxTime)),
    };
  }

  /** Loads records into a temp table with the dataset's lake columns and `raw` (the hot tier, for queries). */
  async loadTable<R>(
    dataset: Dataset,
    records: readonly (R & { raw: string })[],
    table: string,
  ): Promise<void> {
    const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<R>[];
    const stage = await this.stage(dataset, records);
    try {
      await this.duck.run(
        `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT ${selectList(columns)} FROM ` +
          `(SELECT from_json(packed, '["VARCHAR"]') AS v, * FROM ${stage})`,
      );
    } finally {
      await this.duck.run(`DROP TABLE IF EXISTS ${stage}`);
    }
  }

  /** Appends records, in order, to a new temp staging table (rowid = position) and returns its name. */
  private async stage<R>(dataset: Dataset, records: readonly (R & { raw: string })[]): Promise<string> {
    const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<R>[];
    const stage = `stage_${dataset}_${++this.sequence}`;
    const narrow = columns.filter((c) => !c.wide);
    const wide = columns.filter((c) => c.wide);
    const types = [VARCHAR, VARCHAR, ...wide.map(() => VARCHAR)];
    await this.duck.run(
      `CREATE TEMP TABLE ${stage} (raw VARCHAR, packed VARCHAR${wide.map((c) => `, "${c.name}" VARCHAR`).join('')})`,
    );
    try {
      const appender = await this.duck.createAppender(stage, 'main', 'temp');
      for (let start = 0; start < records.length; start += CHUNK) {
        const n = Math.min(CHUNK, records.length - start);
        const vectors = types.map(() => new Array<string | null>(n));
        for (let i = 0; i < n; i++) {
          const record = records[start + i]!;
          const values: unknown[] = [];
          for (const c of narrow) values.push(c.get(record));
          vectors[0]![i] = record.raw;
          vectors[1]![i] = JSON.stringify(values);
          wide.forEach((c, w) => {
            vectors[w + 2]![i] = c.get(record) as string | null;
          });
        }
        const chunk = DuckDBDataChunk.create(types, n);
        chunk.setColumns(vectors);
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      appender.closeSync();
      return stage;
    } catch (error) {
      await this.duck.run(`DROP TABLE IF EXISTS ${stage}`);
      throw error;
    }
  }

  /** Deletes files that were written but will not be registered. */
  async discard(files: readonly { path: string }[]): Promise<void> {
    await Promise.all(files.map((f) => rm(join(this.lakeDir, f.path), { force: true })));
  }

  /**
   * After the catalog transaction that was to register these files failed: deletes those the catalog does not
   * list. A COMMIT whose answer was lost (a dropped PostgreSQL connection) may have landed; when the catalog
   * cannot say, the files stay for orphan cleanup, which removes only unregistered files.
   */
  async discardUnregistered(catalog: Catalog, files: readonly DataFile[]): Promise<void> {
    const listed = new Set<string>();
    try {
      for (const dataset of new Set(files.map((f) => f.dataset))) {
        const partitions = [...new Set(files.filter((f) => f.dataset === dataset).map((f) => f.partition))];
        for (const f of await catalog.dataFiles({ dataset, partitions })) listed.add(f.path);
      }
    } catch {
      return;
    }
    await this.discard(files.filter((f) => !listed.has(f.path)));
  }

  /** Writes the staged rows first..last (one partition's run, already in sort order) to a temp file. */
  private async copyRows<R>(
    dataset: Dataset,
    table: string,
    columns: readonly LakeColumn<R>[],
    partition: string,
    first: number,
    last: number,
  ): Promise<{ temp: string; path: string }> {
    const file = await this.newFile(dataset, partition);
    await this.duck.run(
      `COPY (SELECT ${selectList(columns)} FROM (SELECT from_json(packed, '["VARCHAR"]') AS v, * FROM ${table} ` +
        `WHERE rowid BETWEEN ${first} AND ${last})) TO ${sqlString(file.temp)} ` +
        `(${PARQUET_COPY_OPTIONS})`,
    );
    return file;
  }

  /** A new file's name in the partition's folder (created if need be): the temp path to write, the final one. */
  private async newFile(dataset: Dataset, partition: string): Promise<{ temp: string; path: string }> {
    const dir = partitionDir(dataset, partition);
    const name = newPartFileName();
    await mkdir(join(this.lakeDir, dir), { recursive: true });
    return { temp: join(this.lakeDir, dir, `${TEMP_PREFIX}${name}`), path: `${dir}/${name}` };
  }
}

/** Unpacks the JSON array (all values as text, parsed once per row) into typed columns; wide columns pass through. */
function selectList(
  columns: readonly { name: string; type: LakeColumn<never>['type']; wide?: boolean }[],
): string {
  let packed = 0;
  const list = columns.map((c) => {
    if (c.wide) return `"${c.name}"`;
    const text = `v[${++packed}]`;
    const expr =
      c.type === 'VARCHAR'
        ? text
        : c.type === 'TIMESTAMPTZ'
          ? `epoch_ms(${text}::BIGINT)::TIMESTAMPTZ`
          : `${text}::${c.type}`;
    return `${expr} AS "${c.name}"`;
  });
  return [...list, 'raw'].join(', ');
}
