import { join } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  StatementType,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import { appendColumns, sqlString } from '../lake/duckdb-engine.js';
import { LAKE_DATASETS, type LakeColumn } from '../lake/lake-columns.js';
import { LakeWriter } from '../lake/lake-writer.js';
import { catalogSnapshot } from './catalog-snapshot.js';
import type { QueryRow } from './message-query.js';

const READ_ONLY = new Set([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * DuckDB for analysts' SQL: views `messages` (with `revoked`), `contacts`, `events` over exactly the catalog's
 * registered files plus the hot tier's rows, and `conversations` from the catalog. Read-only: only SELECT/EXPLAIN statements run, the
 * file system is closed except for the lake directory, and the configuration is locked.
 */
export class SqlSession {
  private constructor(private readonly duck: DuckDBConnection) {}

  static async open(catalog: Catalog, lakeDir: string): Promise<SqlSession> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const duck = await instance.connect();
    await duck.run("SET TimeZone = 'UTC'");
    const loader = new LakeWriter(duck, lakeDir);
    for (const dataset of ['messages', 'contacts', 'events'] as const) {
      const { files, hot } = await catalogSnapshot(catalog, dataset, { dataset }, () =>
        catalog.dataFiles({ dataset }),
      );
      const paths = files.map((f) => sqlString(join(lakeDir, f.path)));
      let source = paths.length
        ? `SELECT * FROM read_parquet([${paths.join(', ')}], union_by_name = true)`
        : `SELECT * FROM (SELECT ${emptyColumns(dataset)} LIMIT 0)`;
      if (hot.length > 0) {
        const records = hot.map((r) => JSON.parse(r.record) as { raw: string });
        await loader.loadTable(dataset, records, `_hot_${dataset}`);
        source += ` UNION ALL BY NAME SELECT * FROM _hot_${dataset}`;
      }
      await duck.run(`CREATE VIEW _${dataset} AS ${source}`);
    }
    // The catalog's tables, appended column by column; times exact (µs).
    const revoked = await catalog.revocations();
    await duck.run(
      'CREATE TABLE revocations (platform VARCHAR, message_id VARCHAR, revoke_id VARCHAR, revoked_at TIMESTAMPTZ)',
    );
    await appendColumns(
      duck,
      'revocations',
      [VARCHAR, VARCHAR, VARCHAR, TIMESTAMPTZ],
      [
        revoked.map((r) => r.platform),
        revoked.map((r) => r.messageId),
        revoked.map((r) => r.revokeId),
        revoked.map((r) => instant(r.revokedAt)),
      ],
    );
    await duck.run(
      'CREATE VIEW messages AS SELECT m.*, r.message_id IS NOT NULL AS revoked FROM _messages m ' +
        'LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id',
    );
    await duck.run('CREATE VIEW contacts AS SELECT * FROM _contacts');
    await duck.run('CREATE VIEW events AS SELECT * FROM _events');
    const conversations = await catalog.conversations();
    await duck.run(
      'CREATE TABLE conversations (platform VARCHAR, conversation_id VARCHAR, is_group BOOLEAN, first_at TIMESTAMPTZ, last_at TIMESTAMPTZ, message_count BIGINT)',
    );
    await appendColumns(
      duck,
      'conversations',
      [VARCHAR, VARCHAR, BOOLEAN, TIMESTAMPTZ, TIMESTAMPTZ, BIGINT],
      [
        conversations.map((c) => c.platform),
        conversations.map((c) => c.conversationId),
        conversations.map((c) => c.isGroup),
        conversations.map((c) => instant(c.firstAt)),
        conversations.map((c) => instant(c.lastAt)),
        conversations.map((c) => BigInt(c.messageCount)),
      ],
    );
    await duck.run(`SET allowed_directories = [${sqlString(`${lakeDir}/`)}]`);
    await duck.run('SET enable_external_access = false');
    await duck.run('SET lock_configuration = true');
    return new SqlSession(duck);
  }

  /** Runs one or more statements; the rows of the last one stream back in batches. */
  async *run(sql: string): AsyncGenerator<{ columns: string[]; rows: QueryRow[] }> {
    const statements = await this.duck.extractStatements(sql).catch((e: Error) => {
      throw new ChatlakeError('invalid_argument', e.message.replace(/^Parser Error: /, 'SQL syntax: '));
    });
    if (statements.count === 0) throw new ChatlakeError('invalid_argument', 'no SQL statement given');
    for (let i = 0; i < statements.count; i++) {
      const prepared = await statements.prepare(i).catch((e: Error) => {
        throw /^\s*(insert|update|delete|create|drop|alter|copy|attach|detach|install|load|set|pragma|call|export|import|vacuum|checkpoint)\b/i.test(
          sql,
        )
          ? readOnly()
          : new ChatlakeError('invalid_argument', e.message);
      });
      if (!READ_ONLY.has(prepared.statementType)) throw readOnly();
      if (i < statements.count - 1) continue;
      const result = await prepared.stream().catch((e: Error) => {
        throw new ChatlakeError('invalid_argument', e.message);
      });
      const columns = result.columnNames();
      for await (const rows of result.yieldRowObjectJs()) yield { columns, rows: rows as QueryRow[] };
      return;
    }
  }

  close(): void {
    this.duck.closeSync();
  }
}

const readOnly = () =>
  new ChatlakeError(
    'invalid_argument',
    'only SELECT (and EXPLAIN) statements run here: the lake is read-only through chatlake sql',
    'to change data, use chatlake ingest / compact; to export, use chatlake query --format parquet',
  );

function emptyColumns(dataset: Dataset): string {
  const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<never>[];
  return [...columns.map((c) => `NULL::${c.type} AS "${c.name}"`), 'NULL::VARCHAR AS raw'].join(', ');
}

/** Epoch ms as a DuckDB TIMESTAMPTZ value, exactly (µs as a bigint, no float). */
const instant = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);
