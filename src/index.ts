/**
 * chatlake as a library: the same services the CLI uses.
 *
 *   const lake = await openLake({ dataDir: './data' });
 *   for await (const m of lake.query({ from: '2026-01-23', conversation: '4800000000@chatroom' })) console.log(m.text);
 *   await lake.close();
 */
import { openLake as openContext } from './app/open-lake.js';
import type { Dataset } from './core/lake-record.js';
import { type IngestOptions, type IngestSummary, ingest } from './ingest/ingest-run.js';
import { type ValidationReport, validateLake } from './jobs/validate-lake.js';
import type { MessageQuery, QueryRow } from './query/message-query.js';
import type { Page } from './query/query-service.js';
import { SqlSession } from './query/sql-session.js';
import { timeBound } from './query/time-bound.js';
import { type LakeStats, lakeStats } from './stats/lake-stats.js';

export type { ChatEvent } from './core/chat-event.js';
export type { Contact } from './core/contact.js';
export { ChatlakeError, type ErrorCode } from './core/errors.js';
export type { Dataset } from './core/lake-record.js';
export type { Message, MessageKind } from './core/message.js';
export type { IngestSummary, LakeStats, Page, QueryRow, ValidationReport };

export interface OpenLakeOptions {
  /** Data directory (default: env CHATLAKE_DATA_DIR, else ./data). */
  dataDir?: string;
  /** Zone of partitions and of date strings in queries (default UTC). */
  tz?: string;
}

/** A time bound: "2026-01-23", "2026-01", "2026-01-23T10:00" (in the lake's zone), a Date, or epoch ms. */
export type TimeInput = string | Date | number;

export interface QueryOptions extends Omit<MessageQuery, 'from' | 'to'> {
  dataset?: Dataset;
  from?: TimeInput;
  to?: TimeInput;
}

export interface ChatLake {
  /** Every matching row, streamed (constant memory for any result size). */
  query(q?: QueryOptions): AsyncIterable<QueryRow>;
  /** One page (default 50 rows) and the opaque cursor of the next. */
  page(q?: QueryOptions): Promise<Page>;
  /**
   * Messages by id, in the order asked; unknown ids are left out. Ids are bare ("1000000000042", of `platform`,
   * or of any platform without it) or prefixed as the REST API writes them ("<platform>:1000000000042"). Edited
   * messages carry their current text (`edited`, `edited_at`); deleted ones are left out unless `includeDeleted`.
   */
  get(ids: readonly string[], platform?: string, opts?: { includeDeleted?: boolean }): Promise<QueryRow[]>;
  /**
   * Read-only SQL over views messages (the current view), messages_all, contacts, events, conversations,
   * revocations, message_changes; with several statements, the rows of the last one.
   */
  sql(query: string): AsyncIterable<QueryRow>;
  ingest(inputs: readonly string[], opts?: IngestOptions): Promise<IngestSummary>;
  stats(): Promise<LakeStats>;
  validate(opts?: { repair?: boolean }): Promise<ValidationReport>;
  close(): Promise<void>;
}

export async function openLake(options: OpenLakeOptions = {}): Promise<ChatLake> {
  const lake = await openContext(options);
  const resolve = (q: QueryOptions = {}): MessageQuery => ({
    ...q,
    from: q.from === undefined ? undefined : instant(q.from, 'from'),
    to: q.to === undefined ? undefined : instant(q.to, 'to'),
  });
  const instant = (t: TimeInput, side: 'from' | 'to') =>
    t instanceof Date ? t.getTime() : typeof t === 'number' ? t : timeBound(t, lake.localDay, side);
  return {
    async *query(q) {
      const service = await lake.query();
      for await (const batch of service.rows(resolve(q))) yield* batch;
    },
    async page(q) {
      return (await lake.query()).page(resolve(q));
    },
    async get(ids, platform, opts) {
      return (await lake.query()).get(ids, platform, { includeDeleted: opts?.includeDeleted });
    },
    async *sql(query) {
      const session = await SqlSession.open(lake.catalog, lake.config.lakeDir);
      try {
        for await (const { rows, last } of session.run(query)) if (last) yield* rows;
      } finally {
        session.close();
      }
    },
    ingest: (inputs, opts) => ingest(lake, inputs, opts),
    stats: () => lakeStats(lake.catalog),
    validate: (opts) => validateLake(lake, opts),
    close: () => lake.close(),
  };
}
