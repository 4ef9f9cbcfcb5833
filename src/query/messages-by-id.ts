import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import { siblingConnection } from '../lake/duckdb-engine.js';
import { catalogSnapshot } from './catalog-snapshot.js';
import { datasetColumns, STORED_COLUMNS } from './dataset-columns.js';
import type { QueryRow } from './message-query.js';
import { stateKey } from './message-state.js';
import { splitPlatformId } from './platform-id.js';
import type { QueryPlanner } from './query-plan.js';
import type { RowMarks } from './row-marks.js';
import { scanRelation } from './scan-sql.js';
import { retryVanished } from './vanished-file.js';

/** What reading messages by id needs of the query service. */
export interface LookupParts {
  duck: DuckDBConnection;
  catalog: Catalog;
  lakeDir: string;
  planner: QueryPlanner;
  marks: RowMarks;
  /** The lake's platform names (id prefixes; a bare id without a platform is looked up on each). */
  platforms: readonly string[];
}

export interface GetOptions {
  includeDeleted?: boolean;
  original?: boolean;
}

/**
 * Messages by id, in the order asked: the catalog's identity index names each id's partition, so only those
 * files are read; ids still in the hot tier come from there. An id may carry its platform
 * ("<platform>:1000000000042"); a bare one is of `platform`, or, without it, of any platform that has it.
 * Edits are applied and deleted messages left out (`includeDeleted`: kept, marked by `deleted`);
 * `original`: the messages as stored, deleted ones included, without their edits (the REST API applies them
 * itself), by their exact ids on `platform` (default: the lake's first platform): no prefix is read.
 */
export async function messagesById(
  parts: LookupParts,
  ids: readonly string[],
  platform: string | undefined,
  opts: GetOptions,
): Promise<QueryRow[]> {
  const once = (list: readonly string[], p: string) =>
    retryVanished(() => readIds(parts, list, p, opts), parts.catalog, parts.lakeDir);
  if (opts.original) {
    // The exact ids of one platform (the REST API's own reads, whose ids are already split).
    const rows = await once([...new Set(ids)], platform ?? parts.platforms[0] ?? '');
    const found = new Map(rows.map((r) => [String(r.message_id), r]));
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }
  const byPlatform = new Map<string, string[]>();
  const add = (p: string, id: string) => byPlatform.set(p, [...(byPlatform.get(p) ?? []), id]);
  for (const text of ids) {
    const split = splitPlatformId(text, parts.platforms);
    if (split.platform !== undefined && platform !== undefined && split.platform !== platform) {
      throw new ChatlakeError(
        'invalid_argument',
        `message id "${text}" is a ${split.platform} id but the platform asked is "${platform}"`,
        `drop the platform or the "${split.platform}:" prefix`,
      );
    }
    if (split.platform !== undefined || platform !== undefined) add(split.platform ?? platform!, split.id);
    else for (const p of parts.platforms) add(p, split.id);
  }
  const found = new Map<string, QueryRow>();
  for (const [p, list] of byPlatform) {
    for (const row of await once([...new Set(list)], p)) found.set(stateKey(p, String(row.message_id)), row);
  }
  const out: QueryRow[] = [];
  const seen = new Set<string>();
  for (const text of ids) {
    const split = splitPlatformId(text, parts.platforms);
    const platforms = split.platform ?? platform;
    for (const p of platforms === undefined ? parts.platforms : [platforms]) {
      const key = stateKey(p, split.id);
      const row = found.get(key);
      if (row && !seen.has(key)) {
        seen.add(key);
        out.push(row);
      }
    }
  }
  return out;
}

/** One platform's messages by their exact ids, from the files of their partitions and the hot tier. */
async function readIds(
  { duck: shared, catalog, lakeDir, planner, marks }: LookupParts,
  ids: readonly string[],
  platform: string,
  opts: GetOptions,
): Promise<QueryRow[]> {
  const partitions = [...new Set((await catalog.keyPartitions('messages', platform, [...ids])).values())];
  const { files, hot: hotRows } = await catalogSnapshot(
    catalog,
    'messages',
    { dataset: 'messages', platform, keys: ids },
    () => catalog.dataFiles({ dataset: 'messages', partitions }),
  );
  const duck = await siblingConnection(shared);
  try {
    const sources = await planner.withHot(duck, 'messages', files, hotRows);
    if (sources.length === 0) return [];
    const sql =
      `SELECT m.* FROM ${scanRelation(lakeDir, sources)} ` +
      `WHERE m.platform = $1 AND m.message_id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`;
    const reader = await duck.runAndReadAll(sql, [platform, ...ids]);
    const read = reader.getRowObjectsJS() as QueryRow[];
    if (opts.original) return marks.finishRows(read, STORED_COLUMNS);
    const current = await marks.applyStates(read, opts.includeDeleted === true);
    return marks.finishRows(current, datasetColumns('messages', opts.includeDeleted));
  } finally {
    duck.closeSync();
  }
}
