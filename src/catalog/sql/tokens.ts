import type { Selectable } from 'kysely';
import type { CatalogSchema } from '../schema.js';
import type { NewToken, TokenRow } from '../service-catalog.js';
import { type CatalogSql, num, numOrNull } from './catalog-sql.js';

export async function tokenByHash({ db }: CatalogSql, hash: string): Promise<TokenRow | null> {
  const r = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  return r ? toToken(r) : null;
}

export async function tokens({ db }: CatalogSql): Promise<TokenRow[]> {
  return (await db.selectFrom('api_tokens').selectAll().orderBy('id').execute()).map(toToken);
}

export async function addToken({ db }: CatalogSql, t: NewToken): Promise<number> {
  const r = await db
    .insertInto('api_tokens')
    .values({ name: t.name, scopes: t.scopes.join(' '), token_hash: t.tokenHash, created_at: t.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return num(r.id);
}

export async function revokeToken({ db }: CatalogSql, id: number, at: number): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return num(r.numUpdatedRows) > 0;
}

function toToken(r: Selectable<CatalogSchema['api_tokens']>): TokenRow {
  return {
    id: num(r.id),
    name: r.name,
    scopes: r.scopes.split(' ').filter(Boolean),
    tokenHash: r.token_hash,
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}
