import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startServer } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

// A second `serve` of a data directory already served fails on the port: it must not have moved the first
// one's hot tier into Parquet (its shutdown compaction) on the way out.
describe('serve twice on one data directory', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it("fails on the port (exit 5) and leaves the running service's hot tier alone", async () => {
    const dataDir = join(dir.path, 'data');
    // Thresholds the test never reaches: the hot rows stay hot until the first service stops.
    const env = { CHATLAKE_HOT_MAX_ROWS: '100000', CHATLAKE_HOT_MAX_AGE_SECONDS: '86400' };
    const first = await startServer(['--data-dir', dataDir, 'serve', '--port', '0'], env);
    try {
      for (let i = 0; i < 3; i++) {
        const body = wechatEnvelope({
          msgId: String(7_700_000_000 + i),
          time: 1769126400 + i,
          content: `hi ${i}`,
        });
        const res = await fetch(`${first.url}/webhook/wechat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
      }
      const ready = async () =>
        ((await (await fetch(`${first.url}/ready`)).json()) as { hotRows: number }).hotRows;
      expect(await ready()).toBe(3);
      const port = new URL(first.url).port;
      const second = await runCli(['--data-dir', dataDir, 'serve', '--port', port], undefined, env);
      expect(second.code).toBe(5);
      expect(second.stderr).toContain('already in use');
      expect(await ready()).toBe(3);
      const files = await runCli(['--data-dir', dataDir, 'stats', '--json']);
      expect(JSON.parse(files.stdout).datasets.messages.files).toBe(0);
    } finally {
      await first.stop();
    }
  }, 300_000);
});
