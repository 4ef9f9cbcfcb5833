import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog, DataFileRow } from '../catalog/catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { Dataset } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import { sqlString } from '../lake/duckdb-engine.js';
import { findOrphans } from '../lake/find-orphans.js';
import { LAKE_DATASETS, type LakeColumn } from '../lake/lake-columns.js';
import { acquireWriter } from '../lake/writer-guard.js';
import {
  type MissingFilesRepair,
  type RepairMissingFilesDeps,
  repairMissingFiles,
} from './repair-missing-files.js';

export interface Problem {
  check: string;
  detail: string;
}

export interface ValidationReport {
  ok: boolean;
  files: number;
  rows: number;
  duplicates: { dataset: Dataset; platform: string; key: string; copies: number }[];
  orphans: string[];
  /** Unregistered files removed by `repair` (none on a dry run). */
  repaired: string[];
  /** Registered files gone from the disk: what `repair` unregisters (or would, on a dry run). */
  missing: MissingFilesRepair | null;
  dryRun: boolean;
  problems: Problem[];
  seconds: number;
}

/** What validation uses: what the repair does, the data directory (its lock), the zone and its local days. */
export interface ValidateLakeDeps extends RepairMissingFilesDeps {
  config: Pick<ResolvedConfig, 'lakeDir' | 'dataDir' | 'timeZone'>;
  localDay: LocalDay;
}

const IDENTITY: Record<Dataset, { key: string; time: string; required: string[] }> = {
  messages: {
    key: 'message_id',
    time: 'sent_at',
    required: ['platform', 'conversation_id', 'message_id', 'kind', 'sent_at', 'raw'],
  },
  contacts: {
    key: 'record_key',
    time: 'observed_at',
    required: ['platform', 'contact_id', 'record_key', 'observed_at', 'raw'],
  },
  events: {
    key: 'record_key',
    time: 'observed_at',
    required: ['platform', 'event_type', 'record_key', 'observed_at', 'raw'],
  },
};

/**
 * Checks that the lake is what the catalog says: every registered file exists and reads, its rows and
 * time bounds match, it sits in the partition of its rows' local days, required columns are present,
 * typed and non-null, no identity is stored twice, identities and rows agree, and no unregistered file
 * lies in the lake (`repair` removes those). `duplicatesOnly` runs just the identity check.
 */
export async function validateLake(
  lake: ValidateLakeDeps,
  opts: { repair?: boolean; dryRun?: boolean; duplicatesOnly?: boolean } = {},
): Promise<ValidationReport> {
  const started = performance.now();
  const duck = await lake.duck();
  const report: ValidationReport = {
    ok: true,
    files: 0,
    rows: 0,
    duplicates: [],
    orphans: [],
    repaired: [],
    missing: null,
    dryRun: opts.dryRun ?? false,
    problems: [],
    seconds: 0,
  };
  const taskId = await lake.catalog.startTask(opts.duplicatesOnly ? 'duplicates' : 'validate', opts);
  const problem = (check: string, detail: string) => report.problems.push({ check, detail });
  const pathOf = (f: DataFileRow) => join(lake.config.lakeDir, f.path);
  const missing: DataFileRow[] = [];
  const unreadable = new Set<number>();
  for (const dataset of ['messages', 'contacts', 'events'] as const) {
    const files = await lake.catalog.dataFiles({ dataset });
    if (files.length === 0) continue;
    const { key, time, required } = IDENTITY[dataset];
    const readable: DataFileRow[] = [];
    for (const f of files) {
      try {
        if (!opts.duplicatesOnly) checkSchema(dataset, await describe(duck, pathOf(f)), f.path, problem);
        readable.push(f);
      } catch (error) {
        unreadable.add(f.id);
        if (await exists(pathOf(f))) {
          problem('file_readable', `${f.path}: ${(error as Error).message.split('\n')[0]}`);
        } else missing.push(f);
      }
    }
    report.files += files.length;
    if (readable.length === 0) continue;
    const list = readable.map((f) => sqlString(pathOf(f))).join(', ');
    const source = `read_parquet([${list}], union_by_name = true, filename = true)`;
    const dupes = await duck.runAndReadAll(
      `SELECT platform, ${key} AS key, count(*) AS copies FROM ${source} GROUP BY ALL HAVING count(*) > 1 ORDER BY copies DESC, key LIMIT 1000`,
    );
    for (const r of dupes.getRowObjectsJS()) {
      report.duplicates.push({
        dataset,
        platform: String(r.platform),
        key: String(r.key),
        copies: Number(r.copies),
      });
    }
    if (opts.duplicatesOnly) continue;
    const perFile = await duck.runAndReadAll(
      `SELECT filename, count(*) AS n, epoch_ms(min(${time})) AS lo, epoch_ms(max(${time})) AS hi, ` +
        `${required.map((c) => `count(*) FILTER (WHERE "${c}" IS NULL) AS "null_${c}"`).join(', ')} FROM ${source} GROUP BY filename`,
    );
    const byPath = new Map(perFile.getRowObjectsJS().map((r) => [String(r.filename), r]));
    for (const f of readable) {
      const r = byPath.get(pathOf(f));
      const n = Number(r?.n ?? 0);
      report.rows += n;
      if (n !== f.rows) problem('row_count', `${f.path}: ${n} rows, the catalog says ${f.rows}`);
      if (!r) continue;
      const lo = Number(r.lo);
      const hi = Number(r.hi);
      if (lo !== f.minTime || hi !== f.maxTime)
        problem('time_bounds', `${f.path}: times ${lo}..${hi}, the catalog says ${f.minTime}..${f.maxTime}`);
      for (const day of new Set([lake.localDay.dayOf(lo), lake.localDay.dayOf(hi)])) {
        if (day !== f.partition)
          problem(
            'partition_day',
            `${f.path}: holds rows of ${day} (${lake.config.timeZone}) in partition ${f.partition}`,
          );
      }
      for (const c of required) {
        const nulls = Number(r[`null_${c}`]);
        if (nulls > 0) problem('required_field', `${f.path}: ${nulls} rows without ${c}`);
      }
    }
    const partitionRows = (await lake.catalog.partitions(dataset)).reduce((sum, p) => sum + p.rows, 0);
    const fileRows = files.reduce((sum, f) => sum + f.rows, 0);
    if (partitionRows !== fileRows)
      problem('partition_totals', `${dataset}: partitions count ${partitionRows} rows, files ${fileRows}`);
  }
  if (!opts.duplicatesOnly) {
    for (const dataset of ['messages', 'contacts', 'events'] as const) {
      const c = await identityCounts(lake.catalog, dataset);
      if (c.keys !== c.fileRows + c.hotRows)
        problem(
          'identities',
          `${dataset}: ${c.keys} identities recorded, ${c.fileRows + c.hotRows} rows stored ` +
            `(${c.fileRows} in files, ${c.hotRows} in the hot tier)`,
        );
    }
  }
  for (const d of report.duplicates)
    problem('duplicate', `${d.dataset} ${d.platform}:${d.key} stored ${d.copies} times`);
  if (!opts.duplicatesOnly) {
    const lock = opts.repair
      ? await acquireWriter(lake.catalog, lake.config.dataDir, 'validate --repair')
      : null;
    try {
      report.orphans = await findOrphans(lake.catalog, lake.config.lakeDir, false);
      if (lock && !opts.dryRun) report.repaired = await findOrphans(lake.catalog, lake.config.lakeDir, true);
      if (missing.length > 0)
        report.missing = await repairMissingFiles(lake, missing, unreadable, !lock || report.dryRun);
    } finally {
      await lock?.release();
    }
    const left = report.orphans.filter((o) => !report.repaired.includes(o));
    for (const o of left)
      problem('unregistered_file', `${o} is not in the catalog (run with --repair to remove it)`);
    const fixed = lock && !report.dryRun ? new Set(report.missing?.files.map((f) => f.path)) : new Set();
    for (const f of report.missing?.files ?? []) {
      if (fixed.has(f.path)) continue;
      const again = f.sources.filter((x) => x.kind === 'file').map((x) => x.uri);
      problem(
        'file_missing',
        `${f.path}: the file is gone (${f.rows} rows); fix: chatlake validate --repair unregisters it and ` +
          `forgets its identities, then ${again.length ? `chatlake ingest ${again.join(' ')}` : 'ingesting its source again'} stores its rows again`,
      );
    }
    for (const x of report.missing?.skipped ?? [])
      problem('file_missing', `${x.dataset} ${x.partition}: cannot repair: ${x.reason}`);
  }
  report.ok = report.problems.length === 0;
  report.seconds = (performance.now() - started) / 1000;
  await lake.catalog.write((tx) =>
    tx.addQualityMetrics([
      {
        taskId,
        dataset: 'messages',
        metric: 'integrity_problems',
        numerator: report.problems.length,
        denominator: Math.max(1, report.files),
      },
      {
        taskId,
        dataset: 'messages',
        metric: 'duplicate_identities',
        numerator: report.duplicates.length,
        denominator: Math.max(1, report.rows),
      },
    ]),
  );
  await lake.catalog.finishTask(taskId, report.ok ? 'succeeded' : 'failed', {
    files: report.files,
    rows: report.rows,
    problems: report.problems.length,
  });
  return report;
}

/**
 * Identities recorded, rows in registered files and rows in the hot tier, as of one moment: a running service
 * claims keys with their hot rows, and its compactions move hot rows into files, each in one transaction;
 * the three are read again until the files and the hot tier did not change in between.
 */
async function identityCounts(
  catalog: Catalog,
  dataset: Dataset,
): Promise<{ keys: number; fileRows: number; hotRows: number }> {
  for (let attempt = 0; ; attempt++) {
    const version = async () =>
      `${await catalog.dataFilesVersion(dataset)}/${JSON.stringify(await catalog.hotSummary({ dataset }))}`;
    const before = await version();
    const keys = await catalog.keyCount(dataset);
    const fileRows = (await catalog.dataFiles({ dataset })).reduce((sum, f) => sum + f.rows, 0);
    const hotRows = (await catalog.hotSummary({ dataset })).rows;
    if ((await version()) === before || attempt >= 20) return { keys, fileRows, hotRows };
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

async function describe(duck: DuckDBConnection, path: string): Promise<Map<string, string>> {
  const r = await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
  return new Map(r.getRowObjectsJS().map((c) => [String(c.column_name), String(c.column_type)]));
}

function checkSchema(
  dataset: Dataset,
  schema: Map<string, string>,
  path: string,
  problem: (c: string, d: string) => void,
): void {
  const expected: [string, string][] = [
    ...(LAKE_DATASETS[dataset].columns as readonly LakeColumn<never>[]).map((c): [string, string] => [
      c.name,
      c.type === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : c.type,
    ]),
    ['raw', 'VARCHAR'],
  ];
  for (const [name, type] of expected) {
    const found = schema.get(name);
    if (!found) problem('schema', `${path}: column ${name} is missing`);
    else if (found !== type) problem('schema', `${path}: column ${name} is ${found}, expected ${type}`);
  }
}
