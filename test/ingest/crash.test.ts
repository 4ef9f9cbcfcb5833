import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { appendWechatLog } from '../../bench/data/wechat-log.js';
import { openLake } from '../../src/app/open-lake.js';
import { listLakeFiles } from '../../src/lake/list-lake-files.js';
import { lakeRows } from '../support/lake-contents.js';
import { runCli, startCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const KILLS = 50;

describe('crash safety', () => {
  it(`SIGKILLed ${KILLS} times at random points during ingest, a re-run leaves exact counts, no duplicates, no unregistered file`, async () => {
    const dir = tempDir();
    const log = join(dir.path, 'webhook.log');
    const dataDir = join(dir.path, 'data');
    let messages = 0;
    let malformed = 0;
    let contacts = 0;
    let nextIndex = 0;
    let seed = 1;
    let killedMidRun = 0;
    try {
      for (let i = 0; i < KILLS; i++) {
        // Every round brings new lines (and re-deliveries), so every kill interrupts real work.
        const e = await appendWechatLog(
          { messages: 1500, startIndex: nextIndex, seed: seed++, shape: 'mixed' },
          log,
        );
        messages += e.messages;
        malformed += e.malformed;
        contacts += e.contacts;
        nextIndex = e.nextIndex;
        const { child, done } = startCli([
          'ingest',
          log,
          '--data-dir',
          dataDir,
          '--batch-mb',
          '0.05',
          '--json',
        ]);
        let exited = false;
        void done.then(() => {
          exited = true;
        });
        // Aim inside the working window: once this run holds the writer lock (a killed run's lock file stays
        // until the next run takes it over, so the holder's pid must be this child's), kill at a random moment.
        while (!exited && lockHolder(dataDir) !== child.pid) await sleep(5);
        await sleep(Math.floor(Math.random() * 700));
        child.kill('SIGKILL');
        const r = await done;
        if (r.signal === 'SIGKILL') killedMidRun++;
        else expect(r.code, r.stderr).toBe(0);
      }
      const final = await runCli(['ingest', log, '--data-dir', dataDir, '--json']);
      expect(final.code, final.stderr).toBe(0);
      expect(killedMidRun).toBeGreaterThan(KILLS / 2);

      const lake = await openLake({ dataDir });
      try {
        const ids = (await lakeRows(lake, 'messages')).map((r) => r.message_id);
        expect(ids.length).toBe(messages);
        expect(new Set(ids).size).toBe(messages);
        expect((await lakeRows(lake, 'contacts')).length).toBe(contacts);
        const quarantined = await lake.catalog.quarantine({ limit: 100_000 });
        expect(quarantined.reduce((n, e) => n + e.seen, 0)).toBe(malformed); // one entry per payload
        const registered = (await lake.catalog.dataFiles()).map((f) => f.path).sort();
        expect(await listLakeFiles(lake.config.lakeDir)).toEqual(registered);
        const partitionRows = (await lake.catalog.partitions('messages')).reduce((n, p) => n + p.rows, 0);
        expect(partitionRows).toBe(messages);
      } finally {
        await lake.close();
      }
    } finally {
      dir.remove();
    }
  }, 600_000);
});

/** The pid in the data directory's writer lock (null when there is none, or it is being replaced). */
function lockHolder(dataDir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'writer.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}
