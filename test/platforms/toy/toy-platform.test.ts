import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openLake } from '../../../src/app/open-lake.js';
import { openService } from '../../../src/app/open-service.js';
import { resolveServiceConfig } from '../../../src/config/service-config.js';
import { ingest } from '../../../src/ingest/ingest-run.js';
import { retryQuarantine } from '../../../src/ingest/retry-quarantine.js';
import type { PlatformModule } from '../../../src/platforms/platform-module.js';
import { tempDir } from '../../support/temp-dir.js';
import { toyModule } from './toy-module.js';

const toyLine = (id: string, text: string, at = 1767225600000) =>
  JSON.stringify({ toy: 1, room: 'r1', id, from: 'u1', text, at });

// Issue 13: a toy platform (a folder with a decoder and fixtures, one registry line) is ingestible from a file
// and from POST /webhook/<name>, queryable, and covered by the conformance suite (conformance.test.ts).
describe('a toy platform registered by a test', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('is ingested from a file and stdin (its platform sniffed, next to a WeChat log in the same run) and queryable', async () => {
    const toyFile = join(dir.path, 'toy.jsonl');
    writeFileSync(toyFile, `${toyLine('m1', 'hello')}\n${toyLine('m2', 'world')}\n{"toy":2}\n`);
    const wechatFile = join(dir.path, 'wechat.jsonl');
    const wechatFixture = join(import.meta.dirname, '../../fixtures/wechat/text-direct.input.txt');
    writeFileSync(wechatFile, `${readFileSync(wechatFixture, 'utf8').trim()}\n`);
    const lake = await openLake({ dataDir: join(dir.path, 'lake') }, { platforms: [toyModule] });
    try {
      const summary = await ingest(lake, [toyFile, wechatFile]);
      expect(summary.messages).toBe(3);
      expect(summary.quarantined).toBe(1);
      const toy = await (await lake.query()).page({
        platform: 'toy',
        order: 'asc',
        columns: ['message_id', 'text'],
      });
      expect(toy.rows.map((r) => [r.message_id, r.text])).toEqual([
        ['m1', 'hello'],
        ['m2', 'world'],
      ]);
      const wechat = await (await lake.query()).page({ platform: 'wechat' });
      expect(wechat.rows).toHaveLength(1);
      const [entry] = await lake.catalog.quarantine({ status: 'open', afterId: 0, limit: 10 });
      expect(entry?.reason).toBe('toy_version: "toy" must be 1');
      const piped = await ingest(lake, ['-'], {
        stdin: Readable.from([Buffer.from(`${toyLine('m3', 'piped')}\n`)]),
      });
      expect(piped).toMatchObject({ messages: 1, quarantined: 0 });
      const after = await (await lake.query()).page({ platform: 'toy', columns: ['message_id'] });
      expect(after.rows.map((r) => r.message_id).sort()).toEqual(['m1', 'm2', 'm3']);
    } finally {
      await lake.close();
    }
  });

  it('is received on POST /webhook/toy over HTTP, quarantines what it rejects, and is queryable', async () => {
    const service = await openService(
      { dataDir: join(dir.path, 'service') },
      {},
      resolveServiceConfig({ logLevel: 'silent', port: 0, hotMaxAgeSeconds: 3600 }, {}),
      { platforms: [toyModule] },
    );
    try {
      const base = await service.listen();
      const post = (body: string) =>
        fetch(`${base}/webhook/toy`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
      const ok = await post(toyLine('w1', 'over http'));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok', request_id: expect.any(String) });
      const bad = await post('[1]');
      expect(await bad.json()).toMatchObject({ status: 'ok', quarantined: true });
      const [entry] = await service.context.lake.catalog.quarantine({
        status: 'open',
        afterId: 0,
        limit: 10,
      });
      expect(entry?.reason).toBe('body is not a JSON object');
      const page = await (await service.context.lake.query()).page({
        platform: 'toy',
        columns: ['message_id', 'text'],
      });
      expect(page.rows.map((r) => [r.message_id, r.text])).toEqual([['w1', 'over http']]);
    } finally {
      await service.close();
    }
  });

  it('retries a quarantined webhook body as the body it was (a multi-line JSON one) once the decoder takes it', async () => {
    const dataDir = join(dir.path, 'retry');
    // The service's toy decoder rejects everything (a decoder bug); the retry runs with the fixed one.
    const broken: PlatformModule = {
      ...toyModule,
      decoder: () => ({
        platform: 'toy',
        decode: () => ({ ok: false, reason: 'toy_bug: rejects everything' }),
      }),
    };
    const service = await openService(
      { dataDir },
      {},
      resolveServiceConfig({ logLevel: 'silent', port: 0, hotMaxAgeSeconds: 3600 }, {}),
      { platforms: [broken] },
    );
    try {
      const base = await service.listen();
      const body = JSON.stringify(
        { toy: 1, room: 'r2', id: 'p1', from: 'u2', text: 'pretty', at: 1767225600000 },
        null,
        2,
      );
      const r = await fetch(`${base}/webhook/toy`, { method: 'POST', body });
      expect(await r.json()).toMatchObject({ status: 'ok', quarantined: true });
    } finally {
      await service.close();
    }
    const lake = await openLake({ dataDir }, { platforms: [toyModule] });
    try {
      const result = await retryQuarantine(lake, 'all', 'toy');
      expect(result).toMatchObject({ retried: 1, resolved: 1, messages: 1, stillFailing: [] });
      const page = await (await lake.query()).page({ platform: 'toy', columns: ['message_id', 'text'] });
      expect(page.rows.map((row) => [row.message_id, row.text])).toEqual([['p1', 'pretty']]);
    } finally {
      await lake.close();
    }
  });
});
