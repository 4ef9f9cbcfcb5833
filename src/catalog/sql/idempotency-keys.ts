import type { Selectable } from 'kysely';
import type { CatalogSchema } from '../schema.js';
import type { IdempotencyRow } from '../service-catalog.js';
import { type CatalogSql, num, numOrNull } from './catalog-sql.js';

/** Inserts a pending key; returns the entry already there instead if the key exists. */
export async function claimIdempotency(
  { db }: CatalogSql,
  scope: string,
  key: string,
  requestHash: string,
  at: number,
): Promise<IdempotencyRow | null> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status: 'pending', created_at: at })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return null;
  const r = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return toIdempotency(r);
}

function toIdempotency(r: Selectable<CatalogSchema['idempotency_keys']>): IdempotencyRow {
  return {
    scope: r.scope,
    key: r.key,
    requestHash: r.request_hash,
    status: r.status as 'pending' | 'done',
    responseStatus: numOrNull(r.response_status),
    responseBody: r.response_body,
    createdAt: num(r.created_at),
  };
}

export async function completeIdempotency(
  { db }: CatalogSql,
  scope: string,
  key: string,
  status: number,
  body: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status: 'done', response_status: status, response_body: body })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

export async function releaseIdempotency({ db }: CatalogSql, scope: string, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status', '=', 'pending')
    .execute();
}

export async function purgeIdempotency({ db }: CatalogSql, olderThan: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).executeTakeFirst();
  return num(r.numDeletedRows);
}
