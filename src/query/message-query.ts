import type { Dataset } from '../core/lake-record.js';

/** What a reader asks for. Every field is optional; times are already resolved to epoch ms [from, to). */
export interface MessageQuery {
  dataset?: Dataset;
  from?: number;
  to?: number;
  platform?: string;
  conversation?: string;
  sender?: string;
  /** A kind ("image") or the platform's own type code ("3"). */
  type?: string;
  /** Substring of the readable text (case-insensitive; CJK works as is). */
  text?: string;
  /** Leave out status syncs (kind `status`, a platform's status-sync type): stored and readable by id, but not conversation content. */
  withoutStatus?: boolean;
  /** Include messages deleted through the API, marked by a `deleted` column (left out by default). */
  includeDeleted?: boolean;
  /** Output columns; default: the dataset's default columns. */
  columns?: string[];
  order?: 'asc' | 'desc';
  limit?: number;
  /** Opaque cursor from a previous page: continue after its last row. */
  cursor?: string;
  /** Continue after this sort key, in `order` (callers that keep their own cursors, like the HTTP API). */
  keyset?: [number, string];
}

/** A row as the query service returns it: the Parquet columns asked for, plus `revoked` for messages. */
export type QueryRow = Record<string, unknown>;
