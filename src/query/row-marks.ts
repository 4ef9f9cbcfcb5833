import {
  BOOLEAN,
  type DuckDBConnection,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import { appendColumns } from '../lake/duckdb-engine.js';
import type { QueryRow } from './message-query.js';
import { messageStates, stateKey } from './message-state.js';

/**
 * Marks on messages that live in the catalog, not in the immutable Parquet files: revocations and message
 * changes (edits, deletes, restores). Statements join them as tables of the shared in-memory database; rows
 * read without the join get them after the read, from one catalog lookup of their ids.
 */
export class RowMarks {
  private revocationsVersion = -1;
  private revocationsLoad: Promise<void> = Promise.resolve();
  private statesVersion = -1;
  private statesLoad: Promise<void> = Promise.resolve();

  constructor(private readonly catalog: Catalog) {}

  /**
   * Rows read without the states' join (the hot rows a window is extended with, messages by id) with their
   * current state from one catalog lookup of their ids: edited text and marks; deleted ones left out unless
   * `includeDeleted`, which marks them.
   */
  async applyStates(rows: QueryRow[], includeDeleted: boolean): Promise<QueryRow[]> {
    const ids = new Map<string, string[]>();
    for (const r of rows) {
      const platform = String(r.platform);
      ids.set(platform, [...(ids.get(platform) ?? []), String(r.message_id)]);
    }
    const changes = [];
    for (const [platform, list] of ids) changes.push(...(await this.catalog.messageChanges(platform, list)));
    const states = messageStates(changes);
    return rows.flatMap((r) => {
      const state = states.get(stateKey(String(r.platform), String(r.message_id)));
      if (state?.deleted && !includeDeleted) return [];
      const row: QueryRow = { ...r, edited: false, edited_at: null, deleted: state?.deleted ?? false };
      if (state && state.editedAt !== null) {
        row.edited = true;
        row.edited_at = new Date(state.editedAt);
        if ('text' in r) row.text = state.text;
        if ('content' in r) row.content = state.text;
      }
      return [row];
    });
  }

  /**
   * The rows of a limited read with only the columns asked for, in their order, and their `revoked` flag when
   * asked: from one catalog lookup of their ids (per platform).
   */
  async finishRows(rows: QueryRow[], columns: readonly string[]): Promise<QueryRow[]> {
    const ids = new Map<string, string[]>();
    if (columns.includes('revoked'))
      for (const r of rows) {
        const platform = String(r.platform);
        const list = ids.get(platform) ?? [];
        list.push(String(r.message_id));
        ids.set(platform, list);
      }
    const revoked = new Set<string>();
    for (const [platform, list] of ids)
      for (const r of await this.catalog.revocations(platform, list))
        revoked.add(`${platform}\0${r.messageId}`);
    return rows.map((r) => {
      const row: QueryRow = {};
      for (const c of columns)
        row[c] = c === 'revoked' ? revoked.has(`${r.platform}\0${r.message_id}`) : r[c];
      return row;
    });
  }

  /**
   * Revocations live in the catalog; queries join them from a table of the shared in-memory database,
   * reloaded when the catalog holds a different number of them (they are only ever added).
   */
  loadRevocations(duck: DuckDBConnection): Promise<void> {
    // One load at a time: two readers replacing the shared table at once conflict inside DuckDB.
    const load = this.revocationsLoad.then(() => this.reloadRevocations(duck));
    this.revocationsLoad = load.catch(() => {});
    return load;
  }

  private async reloadRevocations(duck: DuckDBConnection): Promise<void> {
    const version = await this.catalog.revocationCount();
    if (version === this.revocationsVersion) return;
    const rows = await this.catalog.revocations();
    await duck.run('CREATE OR REPLACE TABLE revocations_next (platform VARCHAR, message_id VARCHAR)');
    await appendColumns(
      duck,
      'revocations_next',
      [VARCHAR, VARCHAR],
      [rows.map((r) => r.platform), rows.map((r) => r.messageId)],
    );
    await duck.run('CREATE OR REPLACE TABLE revocations AS SELECT * FROM revocations_next');
    this.revocationsVersion = version;
  }

  /**
   * The current state of every changed message (edited text and time, deleted), as a table of the shared
   * in-memory database that statements join; reloaded when the catalog holds a different number of changes
   * (they are only ever added).
   */
  loadStates(duck: DuckDBConnection): Promise<void> {
    const load = this.statesLoad.then(() => this.reloadStates(duck));
    this.statesLoad = load.catch(() => {});
    return load;
  }

  private async reloadStates(duck: DuckDBConnection): Promise<void> {
    const version = await this.catalog.messageChangeCount();
    if (version === this.statesVersion) return;
    const states = [...messageStates(await this.catalog.allMessageChanges())];
    await duck.run(
      'CREATE OR REPLACE TABLE message_states_next (platform VARCHAR, message_id VARCHAR, deleted BOOLEAN, text VARCHAR, edited_at TIMESTAMPTZ)',
    );
    await appendColumns(
      duck,
      'message_states_next',
      [VARCHAR, VARCHAR, BOOLEAN, VARCHAR, TIMESTAMPTZ],
      [
        states.map(([key]) => key.split('\0')[0]!),
        states.map(([key]) => key.slice(key.indexOf('\0') + 1)),
        states.map(([, s]) => s.deleted),
        states.map(([, s]) => s.text),
        states.map(([, s]) =>
          s.editedAt === null ? null : new DuckDBTimestampTZValue(BigInt(s.editedAt) * 1000n),
        ),
      ],
    );
    await duck.run('CREATE OR REPLACE TABLE message_states AS SELECT * FROM message_states_next');
    this.statesVersion = version;
  }
}
