import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  INTEGER,
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
import { messageStates } from './message-state.js';
import { COPY_TO, READ_ONLY, readOnly, splitStatements, WRITE_STATEMENT } from './sql-statements.js';

/**
 * DuckDB for analysts' SQL: views `messages` (the current view: edits applied, deleted messages left out, with
 * `revoked`, `edited`, `edited_at`), `messages_all` (deleted ones too, with `deleted`), `contacts`, `events` over
 * exactly the catalog's registered files plus the hot tier's rows, and `conversations`, `revocations` and
 * `message_changes` (the history of edits, deletes, restores) from the catalog. Read-only: only SELECT/EXPLAIN
 * statements run, and `COPY (SELECT …) TO 'file'` (written to a private staging directory, then moved to the
 * file named); the file system is closed except for the lake directory, and the configuration is locked.
 */
export class SqlSession {
  private exports = 0;

  private constructor(
    private readonly duck: DuckDBConnection,
    private readonly staging: string,
  ) {}

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
      // The dataset's columns by name: files merged by an older compact carry year/month/day columns too.
      const names = [...LAKE_DATASETS[dataset].columns.map((c) => c.name), 'raw']
        .map((c) => `"${c}"`)
        .join(', ');
      let source = paths.length
        ? `SELECT ${names} FROM read_parquet([${paths.join(', ')}], union_by_name = true)`
        : `SELECT * FROM (SELECT ${emptyColumns(dataset)} LIMIT 0)`;
      if (hot.length > 0) {
        const records = hot.map((r) => JSON.parse(r.record) as { raw: string });
        await loader.loadTable(dataset, records, `_hot_${dataset}`);
        source += ` UNION ALL BY NAME SELECT ${names} FROM _hot_${dataset}`;
      }
      await duck.run(`CREATE VIEW _${dataset} AS ${source}`).catch((e: Error) => {
        throw missingFile(e) ?? e;
      });
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
    const changes = await catalog.allMessageChanges();
    await duck.run(
      'CREATE TABLE message_changes (platform VARCHAR, message_id VARCHAR, version INTEGER, change VARCHAR, text VARCHAR, actor VARCHAR, changed_at TIMESTAMPTZ)',
    );
    await appendColumns(
      duck,
      'message_changes',
      [VARCHAR, VARCHAR, INTEGER, VARCHAR, VARCHAR, VARCHAR, TIMESTAMPTZ],
      [
        changes.map((c) => c.platform),
        changes.map((c) => c.messageId),
        changes.map((c) => c.version),
        changes.map((c) => c.change),
        changes.map((c) => c.text),
        changes.map((c) => c.actor),
        changes.map((c) => instant(c.at)),
      ],
    );
    const states = [...messageStates(changes)].map(([key, state]) => ({
      platform: key.slice(0, key.indexOf('\0')),
      messageId: key.slice(key.indexOf('\0') + 1),
      ...state,
    }));
    await duck.run(
      'CREATE TABLE _message_states (platform VARCHAR, message_id VARCHAR, deleted BOOLEAN, text VARCHAR, edited_at TIMESTAMPTZ)',
    );
    await appendColumns(
      duck,
      '_message_states',
      [VARCHAR, VARCHAR, BOOLEAN, VARCHAR, TIMESTAMPTZ],
      [
        states.map((s) => s.platform),
        states.map((s) => s.messageId),
        states.map((s) => s.deleted),
        states.map((s) => s.text),
        states.map((s) => (s.editedAt === null ? null : instant(s.editedAt))),
      ],
    );
    // The current view: an edit's text replaces text and content (as in the REST API).
    await duck.run(
      'CREATE VIEW messages_all AS SELECT m.* REPLACE (' +
        'CASE WHEN s.edited_at IS NULL THEN m.text ELSE s.text END AS text, ' +
        'CASE WHEN s.edited_at IS NULL THEN m.content ELSE s.text END AS content), ' +
        'r.message_id IS NOT NULL AS revoked, s.edited_at IS NOT NULL AS edited, s.edited_at, ' +
        's.deleted IS TRUE AS deleted FROM _messages m ' +
        'LEFT JOIN revocations r ON r.platform = m.platform AND r.message_id = m.message_id ' +
        'LEFT JOIN _message_states s ON s.platform = m.platform AND s.message_id = m.message_id',
    );
    await duck.run('CREATE VIEW messages AS SELECT * EXCLUDE (deleted) FROM messages_all WHERE NOT deleted');
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
    // COPY … TO writes here first (the only place outside the lake DuckDB may touch), then moves the file.
    const staging = mkdtempSync(join(tmpdir(), 'chatlake-sql-'));
    await duck.run(`SET allowed_directories = [${sqlString(`${lakeDir}/`)}, ${sqlString(`${staging}/`)}]`);
    await duck.run('SET enable_external_access = false');
    await duck.run('SET lock_configuration = true');
    return new SqlSession(duck, staging);
  }

  /**
   * Runs one or more statements, each in turn: the rows of every one stream back in batches (the first batch
   * of each, possibly empty, starts it; `last` marks the final statement's).
   */
  async *run(
    sql: string,
  ): AsyncGenerator<{ statement: number; last: boolean; columns: string[]; rows: QueryRow[] }> {
    const statements = await this.duck.extractStatements(sql).catch((e: Error) => {
      throw new ChatlakeError('invalid_argument', e.message.replace(/^Parser Error: /, 'SQL syntax: '));
    });
    if (statements.count === 0) throw new ChatlakeError('invalid_argument', 'no SQL statement given');
    const texts = splitStatements(sql, statements.count);
    for (let i = 0; i < statements.count; i++) {
      const last = i === statements.count - 1;
      const text = texts[i] ?? '';
      const copy = COPY_TO.exec(text.replace(/^(\s*--[^\n]*\n)*/, ''));
      if (copy) {
        yield { statement: i, last, ...(await this.copyTo(copy[1]!, copy[2]!, copy[3] ?? '')) };
        continue;
      }
      const prepared = await statements.prepare(i).catch((e: Error) => {
        throw WRITE_STATEMENT.test(text) ? readOnly() : this.failure(e);
      });
      if (!READ_ONLY.has(prepared.statementType)) throw readOnly();
      const result = await prepared.stream().catch((e: Error) => {
        throw this.failure(e);
      });
      const columns = result.columnNames();
      yield { statement: i, last, columns, rows: [] };
      try {
        for await (const rows of result.yieldRowObjectJs())
          yield { statement: i, last, columns, rows: rows as QueryRow[] };
      } catch (e) {
        throw this.failure(e as Error);
      }
    }
  }

  /** The tables and views an analyst queries (not the internal ones, whose names start with "_"), sorted. */
  async tables(): Promise<string[]> {
    const reader = await this.duck.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND NOT starts_with(table_name, '_') ORDER BY 1",
    );
    return reader.getRows().map((r) => String(r[0]));
  }

  /** Each table's or view's columns as a CREATE statement (all of them, or those named). */
  async schema(name?: string): Promise<string[]> {
    const names = (await this.tables()).filter((t) => name === undefined || t === name);
    if (name !== undefined && names.length === 0)
      throw new ChatlakeError(
        'not_found',
        `no table or view "${name}"`,
        `tables: ${(await this.tables()).join(', ')}`,
      );
    const out: string[] = [];
    for (const table of names) {
      const reader = await this.duck.runAndReadAll(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position",
        [table],
      );
      const columns = reader.getRows().map((r) => `${r[0]} ${r[1]}`);
      out.push(`CREATE TABLE ${table}(${columns.join(', ')});`);
    }
    return out;
  }

  close(): void {
    this.duck.closeSync();
    rmSync(this.staging, { recursive: true, force: true });
  }

  /**
   * `COPY (query) TO 'file' (options)` or `COPY view TO …`: the query must be read-only; DuckDB writes the
   * file into the staging directory (the format follows the file's extension or the options, as in DuckDB),
   * which then moves to the file named (relative to the working directory).
   */
  private async copyTo(
    source: string,
    target: string,
    options: string,
  ): Promise<{ columns: string[]; rows: QueryRow[] }> {
    const query = source.startsWith('(') ? source.slice(1, -1) : `SELECT * FROM ${source}`;
    const check = await this.duck.extractStatements(query).catch((e: Error) => {
      throw new ChatlakeError('invalid_argument', e.message.replace(/^Parser Error: /, 'SQL syntax: '));
    });
    if (check.count !== 1) throw readOnly();
    const prepared = await check.prepare(0).catch((e: Error) => {
      throw this.failure(e);
    });
    if (!READ_ONLY.has(prepared.statementType)) throw readOnly();
    const file = target.replaceAll("''", "'");
    const staged = join(this.staging, `${++this.exports}-${basename(file).slice(-100) || 'out'}`);
    const reader = await this.duck
      .runAndReadAll(`COPY (${query}) TO ${sqlString(staged)}${options}`)
      .catch((e: Error) => {
        throw this.failure(e);
      });
    const dest = resolve(file);
    try {
      copyFileSync(staged, dest);
    } catch (e) {
      throw new ChatlakeError('io', `cannot write ${dest}: ${(e as Error).message}`);
    } finally {
      rmSync(staged, { force: true, recursive: true });
    }
    return {
      columns: ['rows_written', 'file'],
      rows: [{ rows_written: reader.getRows()[0]?.[0] ?? 0, file: dest }],
    };
  }

  /** DuckDB's error as a ChatlakeError: a lake file that is gone says so, with the repair. */
  private failure(e: Error): ChatlakeError {
    return missingFile(e) ?? new ChatlakeError('invalid_argument', e.message);
  }
}

/** A DuckDB error about a listed lake file that is not on disk, as the integrity error it is (else null). */
function missingFile(e: Error): ChatlakeError | null {
  const missing =
    /No files found that match the pattern "([^"]+)"|Cannot open file "([^"]+)"[^\n]*No such file/.exec(
      e.message,
    );
  if (!missing) return null;
  return new ChatlakeError(
    'integrity',
    `lake file ${missing[1] ?? missing[2]} is missing: the catalog lists it but it is not on disk`,
    'run chatlake validate --repair, then ingest the source again',
  );
}

function emptyColumns(dataset: Dataset): string {
  const columns = LAKE_DATASETS[dataset].columns as readonly LakeColumn<never>[];
  return [...columns.map((c) => `NULL::${c.type} AS "${c.name}"`), 'NULL::VARCHAR AS raw'].join(', ');
}

/** Epoch ms as a DuckDB TIMESTAMPTZ value, exactly (µs as a bigint, no float). */
const instant = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);
