import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../../src/app/open-lake.js';
import type { IngestProgress } from '../../src/ingest/ingest-events.js';
import { ingest } from '../../src/ingest/ingest-run.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

// The progress bar's line counter: it must only grow, and end at the lines the run read.
describe('ingest progress', () => {
  let dir: ReturnType<typeof tempDir>;
  let lake: Lake;
  beforeEach(async () => {
    dir = tempDir();
    // A commit per 4 MiB read chunk: batches follow one another while the previous one still commits.
    lake = await openLake({ dataDir: join(dir.path, 'data'), batchBytes: 1 });
  });
  afterEach(async () => {
    await lake.close();
    dir.remove();
  });

  it('counts lines without going back, across batches and files, and ends at the total', async () => {
    const files: string[] = [];
    for (const [name, n, first] of [
      ['a.log', 30_000, 1_000_000],
      ['b.log', 2_000, 2_000_000],
    ] as const) {
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = first + i;
        const env = wechatEnvelope({
          msgId: String(id),
          time: 1769126400 + (i % 3600),
          content: `m${id} ${'x'.repeat(200)}`,
        });
        lines.push(JSON.stringify(env));
      }
      const path = join(dir.path, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      files.push(path);
    }
    const seen: IngestProgress[] = [];
    const summary = await ingest(lake, files, { listener: { progress: (p) => seen.push({ ...p }) } });
    expect(summary.linesRead).toBe(32_000);
    expect(summary.files).toBeGreaterThan(2); // several batches committed
    const aLines = seen.filter((p) => p.source.endsWith('a.log')).map((p) => p.lines);
    expect(aLines.length).toBeGreaterThan(2); // more than one 4 MiB chunk: batches overlapped
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.lines).toBeGreaterThanOrEqual(seen[i - 1]!.lines);
    expect(aLines.at(-1)).toBe(30_000);
    expect(seen.at(-1)!.lines).toBe(summary.linesRead);
  });
});
