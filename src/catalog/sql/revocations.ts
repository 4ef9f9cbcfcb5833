import { bulkInsert } from '../bulk-insert.js';
import type { RevocationRow } from '../catalog.js';
import { type CatalogSql, num } from './catalog-sql.js';

/** Every revocation, or those of one platform, or of the messages with these ids on it. */
export async function revocations(
  { db }: CatalogSql,
  platform?: string,
  messageIds?: readonly string[],
): Promise<RevocationRow[]> {
  if (messageIds?.length === 0) return [];
  let q = db.selectFrom('revocations').selectAll();
  if (platform) q = q.where('platform', '=', platform);
  if (messageIds) q = q.where('message_id', 'in', [...messageIds]);
  return (await q.execute()).map((r) => ({
    platform: r.platform,
    messageId: r.message_id,
    revokeId: r.revoke_id,
    revokedAt: num(r.revoked_at),
  }));
}

/** How many revocations there are (they are only ever added: a cheap change signal). */
export async function revocationCount({ db }: CatalogSql): Promise<number> {
  const r = await db
    .selectFrom('revocations')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return num(r?.n ?? 0);
}

export async function addRevocations(
  { db, traits }: CatalogSql,
  rows: readonly RevocationRow[],
): Promise<void> {
  await bulkInsert(
    db,
    traits,
    'revocations',
    [
      ['platform', 'text'],
      ['message_id', 'text'],
      ['revoke_id', 'text'],
      ['revoked_at', 'bigint'],
    ],
    rows.map((r) => [r.platform, r.messageId, r.revokeId, r.revokedAt]),
    'on conflict do nothing',
  );
}
