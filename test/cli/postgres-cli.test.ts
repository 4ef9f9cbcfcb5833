import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWechatLog, type WechatLogExpected } from '../../bench/data/wechat-log.js';
import { postgresDatabase } from '../support/postgres-database.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('chatlake on a PostgreSQL catalog (CHATLAKE_DATABASE_URL / --database-url, the real binary)', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const log = join(dir.path, 'w.log');
  let expected: WechatLogExpected;
  let database: { url: string; drop(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await postgresDatabase();
    env = { CHATLAKE_DATABASE_URL: database.url, CHATLAKE_DATA_DIR: dataDir };
    expected = await generateWechatLog({ messages: 3000, seed: 11 }, log);
  });
  afterAll(async () => {
    await database.drop();
    dir.remove();
  });

  it('migrate runs every migration on an empty database, then nothing', async () => {
    const first = await runCli(['migrate', '--json', '--database-url', database.url]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      backend: 'postgres',
      ran: [
        '001-initial',
        '002-service',
        '003-hot-age-index',
        '004-lake-settings',
        '005-quarantine-identity',
        '006-source-cursors',
      ],
      applied: [
        '001-initial',
        '002-service',
        '003-hot-age-index',
        '004-lake-settings',
        '005-quarantine-identity',
        '006-source-cursors',
      ],
    });
    const again = await runCli(['migrate', '--database-url', database.url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/postgres catalog already at the newest schema \(006-source-cursors\)/);
  });

  it('ingests a WeChat log with exact counts, and the catalog rows are in PostgreSQL', async () => {
    const r = await runCli(['ingest', log, '--json'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      linesRead: expected.lines,
      messages: expected.messages,
      contacts: expected.contacts,
      events: expected.events,
      duplicates: expected.duplicates,
      quarantined: expected.malformed,
    });
    expect(existsSync(join(dataDir, 'catalog.sqlite'))).toBe(false);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const keys = await client.query('select dataset, count(*)::int as n from record_keys group by dataset');
      expect(Object.fromEntries(keys.rows.map((k) => [k.dataset, k.n]))).toMatchObject({
        messages: expected.messages,
        contacts: expected.contacts,
      });
      const quarantine = await client.query('select sum(seen)::int as n from quarantine');
      expect(quarantine.rows[0].n).toBe(expected.malformed);
    } finally {
      await client.end();
    }
  });

  it('query returns exactly the generated messages, per day too', async () => {
    const all = await runCli(
      ['query', '--format', 'jsonl', '--columns', 'message_id', '--database-url', database.url],
      undefined,
      { CHATLAKE_DATA_DIR: dataDir },
    );
    expect(all.code, all.stderr).toBe(0);
    const ids = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).message_id as string);
    expect(ids.length).toBe(expected.messages);
    expect(new Set(ids)).toEqual(new Set(expected.messageIds));
    const [day, count] = Object.entries(expected.messagesByDay)[0]!;
    const oneDay = await runCli(
      ['query', '--from', day, '--to', day, '--format', 'jsonl', '--columns', 'message_id'],
      undefined,
      env,
    );
    expect(oneDay.stdout.trim().split('\n').length).toBe(count);
    const stats = JSON.parse((await runCli(['stats', '--json'], undefined, env)).stdout);
    expect(stats.datasets.messages.rows).toBe(expected.messages);
  });

  it('reads nothing new when the same log is ingested again', async () => {
    const r = await runCli(['ingest', log, '--json'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ linesRead: 0, bytesRead: 0, messages: 0, duplicates: 0 });
  });

  it('says what to fix when the login is refused or the database is missing, without the password', async () => {
    const wrong = new URL(database.url);
    wrong.password = 'not-the-password';
    const refused = await runCli(['stats', '--database-url', wrong.toString()], undefined, {
      CHATLAKE_DATA_DIR: dataDir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/PostgreSQL refused the login.*\n\s+hint: fix the user and password/);
    expect(refused.stderr).not.toMatch(/not-the-password|\n\s+at /);
    const missing = new URL(database.url);
    missing.pathname = '/no_such_catalog';
    const absent = await runCli(['migrate', '--database-url', missing.toString()]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/does not exist.*\n\s+hint: create it first/);
  });
});
