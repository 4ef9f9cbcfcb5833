import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import { LAKE_DATASETS } from '../lake/lake-columns.js';
import type { MessageQuery } from './message-query.js';

/** Each dataset's sort key: its time column and the id that orders rows of the same time. */
export const SORT_KEY: Record<Dataset, { time: string; id: string }> = {
  messages: { time: 'sent_at', id: 'message_id' },
  contacts: { time: 'observed_at', id: 'record_key' },
  events: { time: 'observed_at', id: 'record_key' },
};

/**
 * A dataset's columns: its Parquet columns and `raw`; for messages then `revoked`, `edited` (changed through the
 * API: `text` and `content` are the last edit's text), `edited_at` (null when never edited) and, when deleted
 * messages are included, `deleted`.
 */
export function datasetColumns(dataset: Dataset, includeDeleted = false): string[] {
  const names = LAKE_DATASETS[dataset].columns.map((c) => c.name);
  if (dataset !== 'messages') return [...names, 'raw'];
  return [...names, 'raw', 'revoked', 'edited', 'edited_at', ...(includeDeleted ? ['deleted'] : [])];
}

/** The columns of messages as stored, before any change applies (what `get` returns with `original`). */
export const STORED_COLUMNS = [...LAKE_DATASETS.messages.columns.map((c) => c.name), 'raw', 'revoked'];

/** The columns `rows`/`page` return for a query: its `columns`, or its dataset's default ones (no `raw`). */
export function outputColumns(q: MessageQuery): string[] {
  return selectColumns(q.dataset ?? 'messages', q.columns, q.includeDeleted);
}

/** The columns asked for, checked against the dataset's; none asked: the default ones (no `raw`). */
export function selectColumns(
  dataset: Dataset,
  asked: string[] | undefined,
  includeDeleted?: boolean,
): string[] {
  const all = datasetColumns(dataset, true);
  if (!asked || asked.length === 0) return datasetColumns(dataset, includeDeleted).filter((c) => c !== 'raw');
  const unknown = asked.filter((c) => !all.includes(c));
  if (unknown.length > 0) {
    throw new ChatlakeError(
      'invalid_argument',
      `unknown column(s) ${unknown.join(', ')} in ${dataset}`,
      `columns: ${all.join(', ')}`,
    );
  }
  return asked;
}
