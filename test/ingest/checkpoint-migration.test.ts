import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import type { KyselyCatalog } from '../../src/catalog/kysely-catalog.js';
import { migrations } from '../../src/catalog/migrations/migrations.js';
import { openPostgresCatalog } from '../../src/catalog/postgres/open-postgres-catalog.js';
import { openSqliteCatalog } from '../../src/catalog/sqlite/open-sqlite-catalog.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { lakeRows } from '../support/lake-contents.js';
import { postgresDatabase } from '../support/postgres-database.js';
import { tempDir } from '../support/temp-dir.js';

const line = (id: string) =>
  `${JSON.stringify({
    guid: 'g-1',
    notify_type: 1010,
    data: {
      from_username: 'wxid_a',
      to_username: 'wxid_bot',
      chatroom: '',
      chatroom_sender: '',
      msg_id: id,
      msg_type: 1,
      create_time: 1767225600,
      is_chatroom_msg: 0,
      content: `hello ${id}`,
      desc: '',
      source: 5,
    },
  })}\n`;

/** Applies the migrations before 006, as chatlake did before checkpoints became cursors. */
async function migrateTo005(catalog: KyselyCatalog): Promise<void> {
  const all = Object.entries(migrations(catalog.traits));
  const before = Object.fromEntries(
    all.slice(
      0,
      all.findIndex(([name]) => name === '006-source-cursors'),
    ),
  );
  expect(Object.keys(before).at(-1)).toBe('005-quarantine-identity');
  const { error } = await new Migrator({
    db: catalog.db,
    provider: { getMigrations: async () => before },
  }).migrateToLatest();
  if (error) throw error;
}

/** A checkpoint row as chatlake wrote it before migration 006: the file read up to `offset`. */
function oldCheckpoint(sourceId: number, path: string, text: string) {
  const bytes = Buffer.from(text);
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
  const span = Math.min(4096, bytes.length);
  const { dev, ino } = statSync(path);
  return {
    source_id: sourceId,
    offset: bytes.length,
    line: text.split('\n').length - 1,
    file_size: bytes.length,
    file_id: `${dev}:${ino}`,
    head_hash: sha1(bytes.subarray(0, span)),
    tail_hash: sha1(bytes.subarray(bytes.length - span)),
    updated_at: Date.now(),
  };
}

// Issue 13, item 3: a log ingested before migration 006 goes on from its checkpoint after it (both backends).
describe.each(['sqlite', 'postgres'] as const)('checkpoints migrated to cursors (%s)', (backend) => {
  it('resume an old checkpoint: a grown log stores only its new lines', async () => {
    const dir = tempDir();
    const database = backend === 'postgres' ? await postgresDatabase() : null;
    try {
      const dataDir = join(dir.path, 'data');
      mkdirSync(dataDir, { recursive: true });
      const log = join(dir.path, 'w.log');
      const readBefore = line('1000000000000000001') + line('1000000000000000002');
      writeFileSync(log, readBefore);
      const catalog = database
        ? await openPostgresCatalog(database.url, { migrate: false })
        : await openSqliteCatalog(join(dataDir, 'catalog.sqlite'), { migrate: false });
      try {
        await migrateTo005(catalog);
        const source = await catalog.source(log, 'file', 'wechat');
        await catalog.db
          .insertInto('checkpoints')
          .values(oldCheckpoint(source.id, log, readBefore) as never)
          .execute();
      } finally {
        await catalog.close();
      }
      appendFileSync(log, line('1000000000000000003'));

      const lake = await openLake({ dataDir, ...(database ? { databaseUrl: database.url } : {}) });
      try {
        const notices: string[] = [];
        const s = await ingest(lake, [log], { listener: { notice: (n) => notices.push(n.message) } });
        expect(s).toMatchObject({ linesRead: 1, messages: 1, duplicates: 0 });
        expect(notices).toEqual([]);
        const ids = (await lakeRows(lake, 'messages')).map((r) => r.message_id);
        expect(ids).toEqual(['1000000000000000003']);
        // The cursor saved now goes on after the third line.
        appendFileSync(log, line('1000000000000000004'));
        expect(await ingest(lake, [log])).toMatchObject({ linesRead: 1, messages: 1 });
      } finally {
        await lake.close();
      }
    } finally {
      await database?.drop();
      dir.remove();
    }
  });
});
