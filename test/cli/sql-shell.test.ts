import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../src/app/open-lake.js';
import { sqlString } from '../../src/lake/duckdb-engine.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

const T0 = 1769126400;

describe('chatlake sql as a shell, and get with the API ids', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const sql = (args: string[], input?: string) => runCli(['sql', '--data-dir', dataDir, ...args], input);
  beforeAll(async () => {
    const log = join(dir.path, 'w.log');
    const lines = [1, 2, 3].map((i) =>
      JSON.stringify(wechatEnvelope({ msgId: `720000000000000000${i}`, time: T0 + i, content: `m${i}` })),
    );
    writeFileSync(log, `${lines.join('\n')}\n`);
    const r = await runCli(['ingest', log, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
  afterAll(() => dir.remove());

  it('.tables, .schema, .help, .exit and exit work as in the DuckDB and SQLite shells', async () => {
    const tables = await sql(['.tables']);
    expect(tables.code, tables.stderr).toBe(0);
    expect(tables.stdout.trim().split('\n')).toEqual([
      'contacts',
      'conversations',
      'events',
      'message_changes',
      'messages',
      'messages_all',
      'revocations',
    ]);
    const schema = await sql(['.schema conversations']);
    expect(schema.stdout.trim()).toBe(
      'CREATE TABLE conversations(platform VARCHAR, conversation_id VARCHAR, is_group BOOLEAN, first_at TIMESTAMP WITH TIME ZONE, last_at TIMESTAMP WITH TIME ZONE, message_count BIGINT);',
    );
    expect((await sql(['.help'])).stdout).toMatch(/\.tables[\s\S]*\.schema[\s\S]*\.exit/);
    // From stdin: commands between statements; exit (as .exit) leaves before the rest runs.
    const script = '.tables\nSELECT 1 AS one;\nexit\nSELECT 2 AS two;\n';
    const r = await sql(['--format', 'jsonl'], script);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'contacts',
      'conversations',
      'events',
      'message_changes',
      'messages',
      'messages_all',
      'revocations',
      '{"one":1}',
    ]);
    const unknown = await sql(['.nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "\.nope"/);
  });

  it('a one-shot string with several statements prints every result; counts are JSON numbers', async () => {
    const r = await sql([
      '--format',
      'jsonl',
      'SELECT count(*) AS n FROM messages; SELECT sum(length(text)) AS chars FROM messages',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['{"n":3}', '{"chars":6}']);
  });

  it('COPY (SELECT …) TO a file outside the lake writes it; reading outside the lake stays refused', async () => {
    const out = join(dir.path, 'export.csv');
    const r = await sql([
      '--format',
      'jsonl',
      `COPY (SELECT message_id, text FROM messages ORDER BY 1) TO '${out}' (HEADER)`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rows_written: 3, file: out });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'message_id,text',
      '7200000000000000001,m1',
      '7200000000000000002,m2',
      '7200000000000000003,m3',
    ]);
    const parquet = join(dir.path, 'export.parquet');
    expect((await sql([`COPY messages TO '${parquet}'`])).code).toBe(0);
    const check = await sql(['--format', 'jsonl', `SELECT count(*) AS n FROM read_parquet('${parquet}')`]);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/Permission Error|disabled|not allowed/i);
    const reader = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (
      await reader.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(parquet)})`)
    ).getRows();
    expect(Number(rows[0]![0])).toBe(3);
    reader.closeSync();
    const from = await sql([`COPY messages FROM '${out}'`]);
    expect(from.code).toBe(2);
    expect(from.stderr).toMatch(/only SELECT/);
  });

  it('DESCRIBE messages has no year/month/day columns from files merged by an older compact', async () => {
    const lake = await openLake({ dataDir });
    try {
      const [file] = await lake.catalog.dataFiles({ dataset: 'messages' });
      const path = join(lake.config.lakeDir, file!.path);
      const duck = await (await DuckDBInstance.create(':memory:')).connect();
      await duck.run(
        `COPY (SELECT *, 2026 AS year, 1 AS month, 23 AS day FROM read_parquet(${sqlString(path)})) TO ${sqlString(`${path}.tmp`)} (FORMAT parquet)`,
      );
      duck.closeSync();
      writeFileSync(path, readFileSync(`${path}.tmp`));
    } finally {
      await lake.close();
    }
    const r = await sql(['--format', 'jsonl', 'DESCRIBE messages']);
    expect(r.code, r.stderr).toBe(0);
    const names = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).column_name);
    expect(names).toContain('text');
    expect(names).toContain('edited');
    expect(names.filter((n: string) => ['year', 'month', 'day'].includes(n))).toEqual([]);
  });

  it('get takes the ids the REST API writes (wechat:…) and bare ones', async () => {
    const r = await runCli([
      'get',
      '--data-dir',
      dataDir,
      '--format',
      'jsonl',
      'wechat:7200000000000000002',
      '7200000000000000001',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['m2', 'm1']);
    const q = await runCli([
      'query',
      '--data-dir',
      dataDir,
      '--format',
      'jsonl',
      '--conversation',
      'wechat:wxid_carol',
      '--limit',
      '2',
      '--columns',
      'message_id,text',
    ]);
    expect(q.code, q.stderr).toBe(0);
    expect(
      q.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { message_id: '7200000000000000001', text: 'm1' },
      { message_id: '7200000000000000002', text: 'm2' },
    ]);
    expect(q.stderr).toMatch(/next page: --cursor/);
  });
});
