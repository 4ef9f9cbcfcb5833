import { mkdirSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWechatLog, type WechatLogExpected } from '../../bench/data/wechat-log.js';
import { runCli, startCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

describe('chatlake CLI (the real binary)', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  const log = join(dir.path, 'w.log');
  let expected: WechatLogExpected;
  beforeAll(async () => {
    expected = await generateWechatLog({ messages: 2000, seed: 3 }, log);
  });
  afterAll(() => dir.remove());

  it('ingest --json prints one summary object with the documented fields', async () => {
    const r = await runCli(['ingest', log, '--data-dir', dataDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    for (const k of [
      'linesRead',
      'messages',
      'contacts',
      'events',
      'duplicates',
      'quarantined',
      'bytesRead',
      'seconds',
    ]) {
      expect(s).toHaveProperty(k);
    }
    expect(s).toMatchObject({
      messages: expected.messages,
      quarantined: expected.malformed,
      linesRead: expected.lines,
    });
  });

  it('stats --json reports datasets, days, compression and ingest history', async () => {
    const r = await runCli(['stats', '--data-dir', dataDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.datasets.messages.rows).toBe(expected.messages);
    expect(s.days.reduce((n: number, d: { messages: number }) => n + d.messages, 0)).toBe(expected.messages);
    expect(s.rawBytesIngested).toBe(expected.bytes);
    expect(s.compressionRatio).toBeGreaterThan(0);
    expect(s.ingests[0]).toMatchObject({ status: 'succeeded' });
  });

  it('sql runs a query given as an argument, or statements from stdin in one session', async () => {
    const one = await runCli([
      'sql',
      '--data-dir',
      dataDir,
      '--format',
      'json',
      'SELECT count(*)::INT AS n FROM messages',
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual([{ n: expected.messages }]);
    // Each statement prints once its line ends with ";"; a ";" inside a line does not end it; the rest of the
    // input runs at its end.
    const script =
      "SELECT count(*)::INT AS n FROM messages;\nSELECT 'a;b' AS s,\n  2 AS t;\nSELECT 3 AS last";
    const many = await runCli(['sql', '--data-dir', dataDir, '--format', 'jsonl'], script);
    expect(many.code, many.stderr).toBe(0);
    expect(
      many.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ n: expected.messages }, { s: 'a;b', t: 2 }, { last: 3 }]);
    // A script stops at its first error, with the error's exit code; what ran before it was printed.
    const failing = await runCli(
      ['sql', '--data-dir', dataDir, '--format', 'jsonl'],
      'SELECT 1 AS one;\nDELETE FROM messages;\nSELECT 2 AS two;\n',
    );
    expect(failing.code).toBe(2);
    expect(failing.stdout.trim()).toBe('{"one":1}');
    expect(failing.stderr).toMatch(/only SELECT/);
  });

  it("files the account's own direct messages under the chat they went to, as from-me (--wechat-self, CHATLAKE_WECHAT_SELF, then as saved)", async () => {
    const line = (id: string, from: string, to: string, time: number) =>
      JSON.stringify(wechatEnvelope({ msgId: id, time, content: `m${id}`, from, to }));
    const selfLog = join(dir.path, 'self.log');
    writeFileSync(
      selfLog,
      `${line('1', 'wxid_alice', 'wxid_me', 1767225600)}\n${line('2', 'wxid_me', 'wxid_alice', 1767225660)}\n`,
    );
    const sql = 'SELECT message_id, conversation_id, sender_id, from_me FROM messages ORDER BY message_id';
    const rows = async (d: string) =>
      JSON.parse((await runCli(['sql', '--data-dir', d, '--format', 'json', sql])).stdout);
    const withFlag = join(dir.path, 'self-flag');
    const withEnv = join(dir.path, 'self-env');
    const without = join(dir.path, 'self-none');
    expect((await runCli(['--wechat-self', 'wxid_me', 'ingest', selfLog, '--data-dir', withFlag])).code).toBe(
      0,
    );
    expect(
      (
        await runCli(['ingest', selfLog, '--data-dir', withEnv], undefined, {
          CHATLAKE_WECHAT_SELF: 'wxid_x, wxid_me',
        })
      ).code,
    ).toBe(0);
    expect((await runCli(['ingest', selfLog, '--data-dir', without])).code).toBe(0);
    const filed = [
      { message_id: '1', conversation_id: 'wxid_alice', sender_id: 'wxid_alice', from_me: false },
      { message_id: '2', conversation_id: 'wxid_alice', sender_id: 'wxid_me', from_me: true },
    ];
    expect(await rows(withFlag)).toEqual(filed);
    expect(await rows(withEnv)).toEqual(filed);
    // The lake keeps the ids: a later run without them (a service started with `npm start`) files alike.
    const later = join(dir.path, 'self-later.log');
    writeFileSync(later, `${line('3', 'wxid_me', 'wxid_bob', 1767225720)}\n`);
    // An empty env value (as `CHATLAKE_WECHAT_SELF=${X:-}` gives) is not an answer: the saved ids stay.
    expect(
      (await runCli(['ingest', later, '--data-dir', withFlag], undefined, { CHATLAKE_WECHAT_SELF: '' })).code,
    ).toBe(0);
    expect((await rows(withFlag))[2]).toEqual({
      message_id: '3',
      conversation_id: 'wxid_bob',
      sender_id: 'wxid_me',
      from_me: true,
    });
    // Not told which account is its own, chatlake cannot know: the sent message is its sender's chat.
    expect((await rows(without))[1]).toEqual({
      message_id: '2',
      conversation_id: 'wxid_me',
      sender_id: 'wxid_me',
      from_me: false,
    });
  });

  it('stops quietly when the reader of its output goes away (query … | head)', async () => {
    const { child, done } = startCli(['query', '--data-dir', dataDir, '--format', 'jsonl']);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const r = await done;
    expect(r.stderr).not.toMatch(/EPIPE|unexpected|Error/);
    expect(r.code).toBe(0);
  });

  it('Ctrl-C stores what was read, marks the run interrupted and exits 130; the next run goes on', async () => {
    const target = join(dir.path, 'interrupted');
    const line = (i: number) =>
      JSON.stringify(wechatEnvelope({ msgId: String(70000 + i), time: 1767225600 + i, content: `s${i}` }));
    // stdin that stays open: the run waits for more input when the signal comes.
    const { child, done } = startCli(['ingest', '-', '--json', '--data-dir', target], { open: true });
    child.stdin!.write(`${Array.from({ length: 100 }, (_, i) => line(i)).join('\n')}\n`);
    const stored = async () =>
      JSON.parse((await runCli(['stats', '--data-dir', target, '--json'])).stdout).datasets.messages.rows;
    // Once the run's task exists the signal is handled; the 100 lines (30 KB in the pipe) are read at once.
    // Nothing is committed before the signal: the batch is far from full.
    const running = () => {
      try {
        const db = new Database(join(target, 'catalog.sqlite'), { readonly: true, fileMustExist: true });
        try {
          return db.prepare("SELECT count(*) AS n FROM tasks WHERE status = 'running'").get() as {
            n: number;
          };
        } finally {
          db.close();
        }
      } catch {
        return { n: 0 };
      }
    };
    while (running().n === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: storing what was read, then stopping/);
    expect(JSON.parse(r.stdout)).toMatchObject({ interrupted: true, messages: 100, linesRead: 100 });
    expect(await stored()).toBe(100);
    const history = JSON.parse((await runCli(['stats', '--data-dir', target, '--json'])).stdout).ingests;
    expect(history[0].status).toBe('interrupted');
    // The next run stores the rest once and skips what was stored.
    const rest = await runCli(
      ['ingest', '-', '--json', '--data-dir', target],
      `${Array.from({ length: 150 }, (_, i) => line(i)).join('\n')}\n`,
    );
    expect(JSON.parse(rest.stdout)).toMatchObject({ interrupted: false, messages: 50, duplicates: 100 });
    expect(await stored()).toBe(150);
  });

  it('serve says which port is taken and how to choose another, and exits', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const r = await runCli(['serve', '--data-dir', join(dir.path, 'busy-port'), '--port', String(port)]);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(
        new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*\\n.*hint: choose another port with --port`),
      );
      const bad = await runCli([
        'serve',
        '--data-dir',
        join(dir.path, 'busy-port'),
        '--host',
        '203.0.113.7',
        '--port',
        '0',
      ]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/203\.0\.113\.7 is not an address of this machine/);
    } finally {
      holder.close();
    }
  });

  it('says why it reads nothing, or reads a file again, on stderr even without a terminal', async () => {
    const empty = join(dir.path, 'no-logs');
    mkdirSync(empty, { recursive: true });
    const target = join(dir.path, 'notices');
    const none = await runCli(['ingest', empty, '--data-dir', target]);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/note: .*no-logs: no \*\.jsonl or \*\.log file in it: nothing read/);
    const log = join(dir.path, 'rotating.log');
    const line = (id: number) =>
      JSON.stringify(wechatEnvelope({ msgId: String(80000 + id), time: 1767225600 + id, content: `r${id}` }));
    writeFileSync(log, `${line(1)}\n${line(2)}\n`);
    expect((await runCli(['ingest', log, '--data-dir', target])).code).toBe(0);
    writeFileSync(log, `${line(3)}\n`); // rotated: shorter than what was read
    const again = await runCli(['ingest', log, '--data-dir', target, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ messages: 1 });
    expect(again.stderr).toMatch(/note: .*rotating\.log: reading from the start because it is shorter/);
  });

  it('stats prints a readable report', async () => {
    const r = await runCli(['stats', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/messages\s+2000\s/);
    expect(r.stdout).toMatch(/messages per day/);
    expect(r.stdout).toMatch(/days are UTC days; WeChat account ids: none given/);
  });

  it('quarantine list / show --raw give back the exact bytes', async () => {
    const list = JSON.parse(
      (await runCli(['quarantine', 'list', '--data-dir', dataDir, '--json', '--limit', '1000'])).stdout,
    );
    expect(list.length).toBe(expected.malformed);
    const r = await runCli(['quarantine', 'show', String(list[0].id), '--raw', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(0);
    const missing = await runCli(['quarantine', 'show', '999999', '--data-dir', dataDir]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no quarantine entry 999999/);
  });

  it('compact merges each partition into one file and keeps every row', async () => {
    const more = join(dir.path, 'more.log');
    await generateWechatLog({ messages: 300, seed: 4, startIndex: expected.nextIndex }, more);
    await runCli(['ingest', more, '--data-dir', dataDir]);
    const r = await runCli(['compact', '--data-dir', dataDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).partitions).toBeGreaterThan(0);
    const stats = JSON.parse((await runCli(['stats', '--data-dir', dataDir, '--json'])).stdout);
    expect(stats.datasets.messages.files).toBe(stats.datasets.messages.partitions);
    expect(stats.datasets.messages.rows).toBe(expected.messages + 300);
  });

  it('explains bad input with a hint and a non-zero exit code', async () => {
    const missing = await runCli(['ingest', join(dir.path, 'nope.log'), '--data-dir', dataDir]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no such file or directory/);
    const tz = await runCli(['stats', '--tz', 'Mars/Olympus', '--data-dir', dataDir]);
    expect(tz.code).toBe(2);
    expect(tz.stderr).toMatch(/unknown time zone "Mars\/Olympus".*\n.*hint: use an IANA name/);
    const help = await runCli(['ingest', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
  });

  it("refuses a second writer while one holds the lock, and takes over a dead one's lock", async () => {
    writeFileSync(join(dataDir, 'writer.lock'), JSON.stringify({ pid: process.pid, purpose: 'test' }));
    const busy = await runCli(['ingest', log, '--data-dir', dataDir]);
    expect(busy.code).toBe(5);
    expect(busy.stderr).toMatch(/another chatlake process/);
    writeFileSync(join(dataDir, 'writer.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, purpose: 'dead' }));
    const ok = await runCli(['ingest', log, '--data-dir', dataDir, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
