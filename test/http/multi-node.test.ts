import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../bench/data/rng.js';
import { BodySource, webhookBodies } from '../../bench/http/bodies.js';
import { listLakeFiles } from '../../src/lake/list-lake-files.js';
import { postgresDatabase } from '../support/postgres-database.js';
import { runCli } from '../support/run-cli.js';
import { type ServerProcess, startServer } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { WebhookLoad } from '../support/webhook-load.js';
import { writerLockHolder } from '../support/writer-lock-holder.js';

const SEED = Number(process.env.CHATLAKE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HOT_ENV = {
  CHATLAKE_HOT_MAX_ROWS: '150',
  CHATLAKE_HOT_MAX_AGE_SECONDS: '0.3',
  CHATLAKE_COMPACT_CHECK_SECONDS: '0.1',
};

/** In-progress Parquet files (a writer's COPY target before its rename) anywhere in the lake. */
function tempFiles(lakeDir: string): number {
  try {
    return readdirSync(lakeDir, { recursive: true }).filter((p) => basename(String(p)).startsWith('.tmp-'))
      .length;
  } catch {
    return 0;
  }
}

/** Every file in the lake, lake-relative, listed synchronously. */
function lakeFilesNow(lakeDir: string): string[] {
  return readdirSync(lakeDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(lakeDir, join(e.parentPath, e.name)));
}

async function registeredFiles(databaseUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return new Set(
      (await client.query('select path from data_files')).rows.map((r: { path: string }) => r.path),
    );
  } finally {
    await client.end();
  }
}

/** A counter's value in a node's Prometheus text (0 when it was never incremented). */
function counter(metrics: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{\\})? (\\d+(?:\\.\\d+)?)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : 0;
}

describe('two service nodes on one PostgreSQL catalog and one lake', () => {
  it('under overlapping webhook load with one node SIGKILLed midway, every acknowledged message is stored exactly once and readers stay consistent', async () => {
    console.log(`multi-node: seed ${SEED} (CHATLAKE_TEST_SEED=${SEED} repeats the same decisions)`);
    const rng = new Rng(SEED);
    const dir = tempDir();
    const dataDir = join(dir.path, 'data');
    const lakeDir = join(dataDir, 'lake');
    const database = await postgresDatabase();
    const env = { ...HOT_ENV, CHATLAKE_DATABASE_URL: database.url };
    const serve = ['--data-dir', dataDir, 'serve', '--port', '0'];
    const pool = await webhookBodies(200, { startIndex: 0, seed: SEED % 100_000, days: 2 });
    const load = new WebhookLoad(new BodySource(pool, 0, SEED % 100_000), Rng.for(SEED, 1));
    const nodes: ServerProcess[] = [];
    try {
      // Both start at once: migrations, the first admin token and the start-up cleanup race too.
      nodes.push(...(await Promise.all([startServer(serve, env), startServer(serve, env)])));
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      // Only a node that found no token prints one; when both started on an empty catalog, both may.
      const token = a.adminToken() ?? b.adminToken();
      expect(token, `no admin token printed:\n${a.stdout()}\n${b.stdout()}`).toMatch(/^clk_/);
      const alive = new Set([a, b]);
      const traffic = load.run(() => [...alive].map((n) => n.url), {
        clients: 4,
        redeliveryRate: 0.15,
        pauseMs: 4,
        overlap: true,
      });

      // A reader on the node that survives: every full export must succeed, hold no id twice, and hold every
      // message acknowledged before it started (hot tier ∪ lake while compactions move rows between them).
      const readerProblems: string[] = [];
      let reads = 0;
      let reading = true;
      const reader = (async () => {
        while (reading) {
          await sleep(150);
          const before = new Set(load.acked);
          let answer: { status: number; body: string };
          try {
            answer = await load.get(`${a.url}/api/v1/export?format=jsonl&columns=message_id`, token!);
          } catch (error) {
            readerProblems.push(`export failed: ${(error as Error).message}`);
            continue;
          }
          reads++;
          if (answer.status !== 200) {
            readerProblems.push(`export → ${answer.status} ${answer.body.slice(0, 300)}`);
            continue;
          }
          const ids = answer.body
            .split('\n')
            .filter(Boolean)
            .map((l) => String((JSON.parse(l) as { message_id: string }).message_id));
          const seen = new Set(ids);
          if (seen.size !== ids.length)
            readerProblems.push(`read ${reads}: ${ids.length - seen.size} ids twice`);
          const missing = [...before].filter((id) => !seen.has(id));
          if (missing.length)
            readerProblems.push(
              `read ${reads}: ${missing.length} acknowledged messages missing, e.g. ${missing[0]}`,
            );
          const unsent = ids.filter((id) => !load.sent.has(id));
          if (unsent.length) readerProblems.push(`read ${reads}: ${unsent.length} ids never sent`);
        }
      })();

      // Midway: SIGKILL node b inside one of its compactions, while the file it writes is in the lake but not
      // yet registered (b holds the shared writer lock and a .tmp- file exists): the worst moment for the lake.
      await sleep(rng.range(2000, 3500));
      const bMetrics = await load.get(`${b.url}/metrics`, token!);
      const killedCompacting = await waitFor(
        () => writerLockHolder(dataDir) === b.pid && tempFiles(lakeDir) > 0,
        15_000,
      );
      alive.delete(b);
      const killing = b.kill();
      // Listed as soon as the signal is sent, before a's compactor can take the lock over and clean up: until
      // this process reaps b, b's pid still answers, so a cannot take over yet (a's compactor, with its
      // merges, tries the lock every few ms, and once took it over before a listing made after the reap).
      const atKill = lakeFilesNow(lakeDir);
      const leftByKill = writerLockHolder(dataDir) === b.pid;
      await killing;
      const ackedAtKill = load.acked.size;
      // Node a carries on alone (re-deliveries include what b acknowledged or lost).
      await sleep(rng.range(2500, 3500));
      await traffic.stop();
      reading = false;
      await reader;
      const aMetrics = await load.get(`${a.url}/metrics`, token!);
      expect(await a.stop()).toEqual({ code: 0, signal: null });
      load.close();
      const registered = await registeredFiles(database.url);
      // A file that was unregistered when b died can never be registered later: only its writer could.
      const orphansAtKill = atKill.filter((p) => !registered.has(p));
      console.log(
        `multi-node: ${load.acked.size} messages acknowledged (${ackedAtKill} before the kill, ` +
          `${load.counts.redeliveriesAcked} re-deliveries), ${load.counts.lost} requests lost to the kill; ` +
          `b killed ${killedCompacting ? 'inside' : 'outside'} a compaction (lock left behind: ${leftByKill}, ` +
          `files it left unregistered: ${orphansAtKill.length}); ` +
          `${reads} consistent-read checks; compactions a=${counter(aMetrics.body, 'chatlake_compactions_total')} ` +
          `b≥${counter(bMetrics.body, 'chatlake_compactions_total')}`,
      );

      expect(load.unexpected, `${load.counts.unexpected} unexpected answers`).toEqual([]);
      expect(readerProblems).toEqual([]);
      // The kill left b's lock and an unregistered file behind: a has to take the lock over and clean up.
      expect(killedCompacting).toBe(true);
      expect(leftByKill).toBe(true);
      expect(orphansAtKill.length).toBeGreaterThan(0);
      expect(reads).toBeGreaterThan(0);
      expect(load.acked.size).toBeGreaterThan(ackedAtKill);
      expect(load.counts.redeliveriesAcked).toBeGreaterThan(0);
      expect(aMetrics.status).toBe(200);
      expect(bMetrics.status).toBe(200);
      // Both compactors worked on the shared lake (b held the lock when it died), and none failed: two
      // compactions at once would take the same oldest hot rows, and the loser fails with a conflict.
      expect(counter(aMetrics.body, 'chatlake_compactions_total')).toBeGreaterThan(0);
      expect(counter(aMetrics.body, 'chatlake_compaction_failures_total'), a.stderr()).toBe(0);
      expect(counter(bMetrics.body, 'chatlake_compaction_failures_total'), b.stderr()).toBe(0);

      const cli = ['--data-dir', dataDir, '--database-url', database.url];
      const validate = await runCli(['validate', ...cli, '--json']);
      expect(validate.code, validate.stdout + validate.stderr).toBe(0);
      const report = JSON.parse(validate.stdout);
      expect(report).toMatchObject({ ok: true, orphans: [], problems: [], duplicates: [] });
      const duplicates = await runCli(['duplicates', ...cli]);
      expect(duplicates.code, duplicates.stdout + duplicates.stderr).toBe(0);
      const sql = await runCli([
        'sql',
        ...cli,
        '--format',
        'jsonl',
        'SELECT message_id, count(*)::INTEGER AS copies FROM messages GROUP BY message_id',
      ]);
      expect(sql.code, sql.stderr).toBe(0);
      const stored = new Map(
        sql.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { message_id: string; copies: number })
          .map((r) => [String(r.message_id), r.copies]),
      );
      expect(report.rows).toBe(stored.size);
      expect(await listLakeFiles(lakeDir)).toEqual([...registered].sort());
      expect(
        [...load.acked].filter((id) => !stored.has(id)),
        'acknowledged but not stored',
      ).toEqual([]);
      expect(
        [...stored].filter(([, n]) => n !== 1),
        'stored more than once',
      ).toEqual([]);
      expect(
        [...stored.keys()].filter((id) => !load.sent.has(id)),
        'stored but never sent',
      ).toEqual([]);
      expect(
        [...stored.keys()].filter((id) => !load.acked.has(id) && !load.unanswered.has(id)),
        'stored, though every request for it got a non-ok answer',
      ).toEqual([]);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const keys = await client.query(
          "select count(*)::int as n from record_keys where dataset = 'messages' and platform = 'wechat'",
        );
        expect(keys.rows[0].n).toBe(stored.size);
        const hot = await client.query('select count(*)::int as n from hot_records');
        expect(hot.rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      load.close();
      await Promise.all(nodes.map((n) => n.kill()));
      await database.drop();
      dir.remove();
    }
  }, 120_000);
});
