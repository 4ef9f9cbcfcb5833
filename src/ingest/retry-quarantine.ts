import type { Catalog, QuarantineRow } from '../catalog/catalog.js';
import type { QuarantineStore } from '../catalog/ports/quarantine-store.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { LocalDay } from '../core/local-day.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import { acquireWriter } from '../lake/writer-guard.js';
import { bodyReader } from '../platforms/platform-module.js';
import type { PlatformRegistry } from '../platforms/platform-registry.js';
import { commitBatch } from './commit-batch.js';
import { decodePayloads, emptyDecoded } from './decode-payloads.js';
import { SchemaTracker } from './schema-tracker.js';

/** What a retry uses: the catalog, the writer (opened when needed), the platforms, the zone's days. */
export interface RetryQuarantineDeps {
  catalog: Catalog;
  config: Pick<ResolvedConfig, 'dataDir'>;
  localDay: LocalDay;
  platforms: Pick<PlatformRegistry, 'fileNames' | 'decoder' | 'module'>;
  writer(): Promise<LakeWriter>;
}

export interface RetryResult {
  retried: number;
  resolved: number;
  stillFailing: { id: number; reason: string }[];
  messages: number;
  contacts: number;
  events: number;
  duplicates: number;
}

/**
 * Decodes quarantined payloads again, through the one door with the framing they came in (after an adapter fix, say). Those that decode now are stored like
 * any ingest (deduped, atomic) and marked resolved in the same transaction; the rest stay open.
 */
export async function retryQuarantine(
  lake: RetryQuarantineDeps,
  ids: readonly number[] | 'all',
  platform?: string,
): Promise<RetryResult> {
  const name = platform ?? lake.platforms.fileNames()[0] ?? '';
  const decoder = lake.platforms.decoder(name);
  const receiver = bodyReader(lake.platforms.module(name));
  const lock = await acquireWriter(lake.catalog, lake.config.dataDir, 'quarantine retry');
  const result: RetryResult = {
    retried: 0,
    resolved: 0,
    stillFailing: [],
    messages: 0,
    contacts: 0,
    events: 0,
    duplicates: 0,
  };
  try {
    const deps = {
      catalog: lake.catalog,
      writer: await lake.writer(),
      localDay: lake.localDay,
      schema: await SchemaTracker.load(lake.catalog),
    };
    const taskId = await lake.catalog.startTask('quarantine-retry', { ids });
    for await (const page of openEntries(lake.catalog, ids)) {
      const decoded = emptyDecoded();
      const resolved: number[] = [];
      for (const entry of page) {
        result.retried++;
        const one = emptyDecoded();
        // A payload without a line (a request body, a whole file, a batch item) is one payload again, as its
        // module reads one (a form's content type is not kept: a body that is not JSON is tried as a form); a log
        // line is a line.
        const body = entry.line === null;
        const bytes = body
          ? Buffer.from(entry.raw)
          : Buffer.concat([Buffer.from(entry.raw), Buffer.from('\n')]);
        decodePayloads(
          { bytes, start: 0 },
          {
            decoder,
            framing: body ? { receiver, contentType: 'application/x-www-form-urlencoded' } : 'lines',
            source: entry.source,
            firstLine: 1,
            fallbackTime: entry.createdAt,
            receivedAt: body ? entry.createdAt : null,
          },
          one,
        );
        if (one.quarantine.length > 0 || one.records.length === 0) {
          result.stillFailing.push({ id: entry.id, reason: one.quarantine[0]?.reason ?? 'blank' });
          continue;
        }
        resolved.push(entry.id);
        decoded.records.push(...one.records);
        for (const d of ['messages', 'contacts', 'events'] as const)
          for (const f of one.fields[d]) decoded.fields[d].add(f);
      }
      if (resolved.length === 0) continue;
      const outcome = await commitBatch(deps, {
        taskId,
        records: decoded.records,
        quarantine: [],
        fields: decoded.fields,
        lineage: null,
        checkpoint: null,
        resolvesQuarantine: resolved,
      });
      result.resolved += resolved.length;
      result.messages += outcome.stored.messages;
      result.contacts += outcome.stored.contacts;
      result.events += outcome.stored.events;
      result.duplicates += outcome.duplicates;
    }
    await lake.catalog.finishTask(taskId, 'succeeded', result);
    return result;
  } finally {
    await lock.release();
  }
}

async function* openEntries(
  quarantine: Pick<QuarantineStore, 'quarantineEntry' | 'quarantine'>,
  ids: readonly number[] | 'all',
): AsyncGenerator<QuarantineRow[]> {
  if (ids !== 'all') {
    const rows: QuarantineRow[] = [];
    for (const id of ids) {
      const row = await quarantine.quarantineEntry(id);
      if (row && row.status === 'open') rows.push(row);
    }
    yield rows;
    return;
  }
  let afterId = 0;
  for (;;) {
    const page = await quarantine.quarantine({ status: 'open', afterId, limit: 1000 });
    if (page.length === 0) return;
    afterId = page[page.length - 1]!.id;
    yield page;
  }
}
