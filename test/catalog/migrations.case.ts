import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { KyselyCatalog } from '../../src/catalog/kysely-catalog.js';
import { migrations } from '../../src/catalog/migrations/migrations.js';
import type { OpenCatalogOptions } from '../../src/catalog/open-catalog-options.js';
import { decodeFileCursor } from '../../src/platforms/file-cursor.js';

type OpenFresh = (
  options?: OpenCatalogOptions,
) => Promise<{ catalog: KyselyCatalog; dispose(): Promise<void> }>;

/** Migrations every backend must run: from an empty database and from every earlier schema version. */
export function migrationConformance(name: string, openFresh: OpenFresh) {
  describe(`catalog migrations: ${name}`, () => {
    it('brings a database from empty and from every earlier version to the same newest schema', async () => {
      const newest = await openFresh();
      try {
        const all = Object.keys(migrations(newest.catalog.traits));
        expect(all.length).toBeGreaterThan(0);
        const expected = await schemaOf(newest.catalog);
        for (let done = 0; done < all.length; done++) {
          const { catalog, dispose } = await openFresh({ migrate: false });
          try {
            await migrateFirst(catalog, done);
            if (done > 0) {
              await catalog.db
                .insertInto('record_keys')
                .values({
                  dataset: 'messages',
                  platform: 'wechat',
                  record_key: 'old',
                  partition: '2025-12-31',
                })
                .execute();
            }
            expect(await catalog.migrate(), `from ${done} of ${all.length}`).toEqual({
              ran: all.slice(done),
              applied: all,
            });
            expect(await catalog.migrate()).toEqual({ ran: [], applied: all });
            expect(await schemaOf(catalog)).toEqual(expected);
            if (done > 0) {
              expect(await catalog.keyPartitions('messages', 'wechat', ['old'])).toEqual(
                new Map([['old', '2025-12-31']]),
              );
            }
            await usable(catalog);
          } finally {
            await dispose();
          }
        }
      } finally {
        await newest.dispose();
      }
    });

    // Migration 005 hashes existing quarantine entries and folds copies of the same bytes into the oldest.
    it('folds quarantine entries of the same bytes into one (migration 005)', async () => {
      const { catalog, dispose } = await openFresh({ migrate: false });
      try {
        const names = Object.keys(migrations(catalog.traits));
        await migrateFirst(catalog, names.indexOf('005-quarantine-identity'));
        const entry = (line: number, raw: string, status: string, at: number) => ({
          source: 'old.log',
          line,
          byte_offset: null,
          reason: 'not_json',
          raw: Buffer.from(raw),
          status,
          task_id: null,
          created_at: at,
        });
        await catalog.db
          .insertInto('quarantine')
          .values([
            entry(1, 'bad', 'resolved', 10),
            entry(2, 'other', 'open', 20),
            entry(3, 'bad', 'open', 30),
          ] as never)
          .execute();
        await catalog.migrate();
        const rows = await catalog.quarantine({ status: undefined });
        expect(rows.map((r) => [r.line, r.status, r.seen, r.lastSeenAt])).toEqual([
          [1, 'open', 2, 30],
          [2, 'open', 1, 20],
        ]);
      } finally {
        await dispose();
      }
    });

    // Migration 006 makes checkpoints opaque cursors: today's rows become file cursors holding the same position.
    it('turns checkpoint rows into file cursors (migration 006)', async () => {
      const { catalog, dispose } = await openFresh({ migrate: false });
      try {
        const names = Object.keys(migrations(catalog.traits));
        await migrateFirst(catalog, names.indexOf('006-source-cursors'));
        const a = await catalog.source('/logs/a.log', 'file', 'wechat');
        const b = await catalog.source('/logs/b.log', 'file', 'wechat');
        const old = (sourceId: number, offset: number, head: string | null) => ({
          source_id: sourceId,
          offset,
          line: 7,
          file_size: offset + 1,
          file_id: head === null ? null : '64769:1234',
          head_hash: head,
          tail_hash: head === null ? null : `${head}-tail`,
          updated_at: 5,
        });
        await catalog.db
          .insertInto('checkpoints')
          .values([old(a.id, 9_000_000_000, 'h'), old(b.id, 0, null)] as never)
          .execute();
        await catalog.migrate();
        expect(decodeFileCursor((await catalog.checkpoint(a.id))!.cursor)).toEqual({
          offset: 9_000_000_000,
          line: 7,
          fileSize: 9_000_000_001,
          fileId: '64769:1234',
          headHash: 'h',
          tailHash: 'h-tail',
        });
        expect(decodeFileCursor((await catalog.checkpoint(b.id))!.cursor)).toEqual({
          offset: 0,
          line: 7,
          fileSize: 1,
          fileId: null,
          headHash: null,
          tailHash: null,
        });
        await catalog.write((tx) => tx.removeCheckpoints([a.id]));
        expect(await catalog.checkpoint(a.id)).toBeNull();
      } finally {
        await dispose();
      }
    });
  });
}

/** Applies only the first n migrations, as an older chatlake would have left the database. */
async function migrateFirst(catalog: KyselyCatalog, n: number): Promise<void> {
  const prefix = Object.fromEntries(Object.entries(migrations(catalog.traits)).slice(0, n));
  const { error } = await new Migrator({
    db: catalog.db,
    provider: { getMigrations: async () => prefix },
  }).migrateToLatest();
  if (error) throw error;
}

/** Tables and their columns (name, type, nullability), in a stable order. */
async function schemaOf(catalog: KyselyCatalog) {
  const tables = await catalog.db.introspection.getTables();
  return tables
    .map((t) => ({
      table: t.name,
      columns: t.columns
        .map(
          (c) =>
            `${c.name} ${c.dataType}${c.isNullable ? '' : ' not null'}${c.isAutoIncrementing ? ' auto' : ''}`,
        )
        .sort(),
    }))
    .sort((a, b) => a.table.localeCompare(b.table));
}

/** The migrated catalog takes a commit and reads it back. */
async function usable(catalog: KyselyCatalog): Promise<void> {
  const fresh = await catalog.write(async (tx) => {
    const keys = await tx.claimKeys('messages', 'wechat', [{ key: 'new', partition: '2026-01-01' }]);
    await tx.addDataFiles(
      [
        {
          dataset: 'messages',
          partition: '2026-01-01',
          path: 'messages/x.parquet',
          rows: 1,
          bytes: 10,
          minTime: 1,
          maxTime: 2,
          schemaVersion: 1,
        },
      ],
      null,
    );
    await tx.addQuarantine(
      [{ source: 's', line: 1, byteOffset: 0, reason: 'r', raw: Buffer.from([0xff]) }],
      null,
    );
    return keys;
  });
  expect([...fresh]).toEqual(['new']);
  expect((await catalog.partitions('messages')).map((p) => p.rows)).toEqual([1]);
  expect(Buffer.from((await catalog.quarantine({}))[0]!.raw)).toEqual(Buffer.from([0xff]));
}
