import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Catalog, NewQualityMetric } from '../catalog/catalog.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { ChatlakeError } from '../core/errors.js';
import type { LocalDay } from '../core/local-day.js';
import { findOrphans } from '../lake/find-orphans.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import { acquireWriter } from '../lake/writer-guard.js';
import type { PlatformRegistry } from '../platforms/platform-registry.js';
import { type IngestCounts, zeroCounts } from './ingest-counts.js';
import type { IngestListener } from './ingest-events.js';
import { ingestFile, ingestStream, type SourceRun } from './ingest-file.js';
import { SchemaTracker } from './schema-tracker.js';

/** What an ingest run uses: the catalog, the writer (opened when needed), the platforms, the zone's days. */
export interface IngestDeps {
  catalog: Catalog;
  config: Pick<ResolvedConfig, 'dataDir' | 'lakeDir' | 'batchBytes'>;
  localDay: LocalDay;
  platforms: Pick<PlatformRegistry, 'module' | 'decoder' | 'sniff' | 'fileEndings'>;
  writer(): Promise<LakeWriter>;
}

export interface IngestOptions {
  /** The platform of every input; without it, each input's is sniffed from its first bytes. */
  platform?: string;
  listener?: IngestListener;
  /** The stream read for the input "-" (stdin by default). */
  stdin?: AsyncIterable<Buffer>;
  /** Stops the run early (Ctrl-C): what was read so far is committed, the task ends as interrupted. */
  signal?: AbortSignal;
}

export interface IngestSummary extends Omit<IngestCounts, 'nulls' | 'records'> {
  taskId: number;
  seconds: number;
  orphansRemoved: number;
  /** Stopped by the signal before every input was read: run again to go on from the checkpoints. */
  interrupted: boolean;
}

/**
 * The one door for files: each input (a file, a directory of the files its platforms read, or "-" for stdin)
 * is read from its checkpoint, decoded, deduped and committed batch by batch. One run is one task.
 */
export async function ingest(
  lake: IngestDeps,
  inputs: readonly string[],
  opts: IngestOptions = {},
): Promise<IngestSummary> {
  const started = performance.now();
  const { platforms } = lake;
  const fixed = opts.platform === undefined ? null : platforms.module(opts.platform, 'platform (--platform)');
  const adapter = platforms.decoder((fixed ?? platforms.sniff('')).name);
  const sources = await expandInputs(inputs, platforms.fileEndings(fixed?.name), opts.listener ?? {});
  const lock = await acquireWriter(lake.catalog, lake.config.dataDir, 'ingest');
  const { catalog } = lake;
  let taskId = 0;
  const counts = zeroCounts();
  try {
    await catalog.interruptStaleTasks(Date.now());
    const orphansRemoved = (await findOrphans(catalog, lake.config.lakeDir, true)).length;
    taskId = await catalog.startTask('ingest', { inputs, platform: fixed?.name ?? 'sniffed' });
    const run: SourceRun = {
      deps: {
        catalog,
        writer: await lake.writer(),
        localDay: lake.localDay,
        schema: await SchemaTracker.load(catalog),
      },
      adapter,
      taskId,
      batchBytes: lake.config.batchBytes,
      counts,
      listener: opts.listener ?? {},
      startedAt: Date.now(),
      signal: opts.signal,
      sniff: fixed ? undefined : (head) => platforms.decoder(platforms.sniff(head).name),
      module: (name) => platforms.module(name),
    };
    for (const source of sources) {
      if (opts.signal?.aborted) break;
      if (source === '-') await ingestStream(run, 'stdin', opts.stdin ?? process.stdin);
      else {
        if (run.sniff) run.adapter = run.sniff(await head(source));
        await ingestFile(run, source);
      }
    }
    const { nulls, records, ...rest } = counts;
    const summary: IngestSummary = {
      ...rest,
      taskId,
      orphansRemoved,
      seconds: (performance.now() - started) / 1000,
      interrupted: opts.signal?.aborted ?? false,
    };
    await catalog.write((tx) => tx.addQualityMetrics(qualityMetrics(taskId, counts)));
    await catalog.finishTask(taskId, summary.interrupted ? 'interrupted' : 'succeeded', summary);
    return summary;
  } catch (error) {
    if (taskId) await catalog.finishTask(taskId, 'failed', counts, (error as Error).message).catch(() => {});
    throw error;
  } finally {
    await lock.release();
  }
}

/** The first bytes of a file, as text: what its platform is sniffed from. */
async function head(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The inputs as sources: a directory becomes its files with one of those endings, in name order. */
async function expandInputs(
  inputs: readonly string[],
  endings: readonly string[],
  listener: IngestListener,
): Promise<string[]> {
  if (inputs.length === 0) {
    throw new ChatlakeError(
      'invalid_argument',
      'nothing to ingest',
      'name files, directories, or - for stdin',
    );
  }
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push(input);
      continue;
    }
    const path = resolve(input);
    const info = await stat(path).catch(() => null);
    if (!info) throw new ChatlakeError('not_found', `no such file or directory: ${input}`);
    if (!info.isDirectory()) {
      out.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((n) => endings.some((e) => n.endsWith(e))).sort();
    if (names.length === 0) {
      const wanted = endings.map((e) => `*${e}`);
      const list = wanted.length > 1 ? `${wanted.slice(0, -1).join(', ')} or ${wanted.at(-1)}` : wanted[0];
      listener.notice?.({ source: input, message: `no ${list ?? 'readable'} file in it: nothing read` });
    }
    for (const name of names) out.push(join(path, name));
  }
  return out;
}

function qualityMetrics(taskId: number, c: IngestCounts): NewQualityMetric[] {
  const lines = c.linesRead - c.blankLines;
  const messages = c.nulls.$messages ?? 0;
  const metrics: NewQualityMetric[] = [
    { taskId, dataset: 'messages', metric: 'malformed_rate', numerator: c.quarantined, denominator: lines },
    {
      taskId,
      dataset: 'messages',
      metric: 'duplicate_rate',
      numerator: c.duplicates,
      denominator: c.records,
    },
  ];
  for (const column of ['sender_id', 'text', 'type_code']) {
    metrics.push({
      taskId,
      dataset: 'messages',
      metric: `null_rate:${column}`,
      numerator: c.nulls[column] ?? 0,
      denominator: messages,
    });
  }
  return metrics;
}
