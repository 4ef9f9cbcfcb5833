import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLake } from '../../src/index.js';
import { generateWechatLog, type WechatLogOptions } from '../data/wechat-log.js';

export interface Store {
  /** A fresh copy of the cached store, for this run to write into. */
  dataDir: string;
  messages: number;
  /** The next message index of the same world (hot rows and visibility samples start here). */
  nextIndex: number;
  /** Conversations to read pages from: the largest rooms and some mid-sized ones. */
  conversations: { id: string; messages: number }[];
  buildSeconds: number | null;
}

/**
 * The lake part of the page-read store: a seeded WeChat log of `messages` unique messages ingested with
 * `chatlake ingest`. Built once and cached under `out` (gitignored); each run works on a copy.
 */
export async function lakeStore(out: string, messages: number): Promise<Store> {
  const opts: Partial<WechatLogOptions> = { messages, shape: 'raw', profile: 'small', listIds: false };
  const key = JSON.stringify(opts);
  const cached = join(out, `http-store-${messages}`);
  const marker = `${cached}.json`;
  let info = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as Omit<Store, 'dataDir'>) : null;
  if (!info || (info as { key?: string } & typeof info).key !== key || !existsSync(cached)) {
    const started = performance.now();
    const log = join(out, `http-store-${messages}.log`);
    rmSync(cached, { recursive: true, force: true });
    process.stderr.write(`building the ${messages}-message store (cached in ${cached}) …\n`);
    const expected = await generateWechatLog(opts, log);
    execFileSync(
      process.execPath,
      ['bin/chatlake.js', '--data-dir', cached, 'ingest', '--no-progress', '--json', log],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    rmSync(log, { force: true });
    const lake = await openLake({ dataDir: cached });
    let counts: { id: string; messages: number }[] = [];
    let stored = 0;
    try {
      for await (const r of lake.sql(
        'SELECT conversation_id AS id, count(*) AS n FROM messages GROUP BY 1 ORDER BY n DESC, id',
      ))
        counts.push({ id: String(r.id), messages: Number(r.n) });
      stored = counts.reduce((n, c) => n + c.messages, 0);
    } finally {
      await lake.close();
    }
    // The 10 largest conversations and 10 spread over the ones with at least 200 messages.
    const rest = counts.slice(10).filter((c) => c.messages >= 200);
    const step = Math.max(1, Math.floor(rest.length / 10));
    counts = [...counts.slice(0, 10), ...rest.filter((_, i) => i % step === 0).slice(0, 10)];
    info = {
      messages: stored,
      nextIndex: expected.nextIndex,
      conversations: counts,
      buildSeconds: +((performance.now() - started) / 1000).toFixed(1),
    };
    writeFileSync(marker, JSON.stringify({ ...info, key }));
  }
  const dataDir = join(out, 'http-read');
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(cached, dataDir, { recursive: true });
  return { ...info, dataDir };
}
