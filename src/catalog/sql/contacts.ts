import type { ContactRow } from '../catalog.js';
import { type CatalogSql, compareKeys, num, numOrNull } from './catalog-sql.js';

export async function contacts({ db }: CatalogSql): Promise<ContactRow[]> {
  const rows = await db.selectFrom('contacts').selectAll().orderBy('contact_id').execute();
  return rows.map((r) => ({
    platform: r.platform,
    contactId: r.contact_id,
    accountId: r.account_id,
    contactType: r.contact_type,
    alias: r.alias,
    nickname: r.nickname,
    remark: r.remark,
    memberCount: numOrNull(r.member_count),
    deleted: num(r.deleted) === 1,
    observedAt: num(r.observed_at),
  }));
}

export async function upsertContacts({ db }: CatalogSql, rows: readonly ContactRow[]): Promise<void> {
  const ordered = [...rows].sort((a, b) =>
    compareKeys(`${a.platform}\u0000${a.contactId}`, `${b.platform}\u0000${b.contactId}`),
  );
  for (const r of ordered) {
    const values = {
      account_id: r.accountId,
      contact_type: r.contactType,
      alias: r.alias,
      nickname: r.nickname,
      remark: r.remark,
      member_count: r.memberCount,
      deleted: r.deleted ? 1 : 0,
      observed_at: r.observedAt,
    };
    // A deletion carries no profile: it marks the contact deleted and keeps what was known.
    const update = r.deleted ? { deleted: 1, observed_at: r.observedAt } : values;
    await db
      .insertInto('contacts')
      .values({ platform: r.platform, contact_id: r.contactId, ...values })
      .onConflict((oc) =>
        oc
          .columns(['platform', 'contact_id'])
          .doUpdateSet(update)
          .where('contacts.observed_at', '<=', r.observedAt),
      )
      .execute();
  }
}
