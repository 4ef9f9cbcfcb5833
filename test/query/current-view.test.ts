import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openService, type Service } from '../../src/app/open-service.js';
import { resolveServiceConfig } from '../../src/config/service-config.js';
import { ChatlakeError } from '../../src/core/errors.js';
import type { QueryRow } from '../../src/query/message-query.js';
import { SqlSession } from '../../src/query/sql-session.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { readParquetRows } from '../support/read-parquet.js';
import { toyLine } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

// Edits and deletes through the REST API are catalog rows; every read applies them (hot tier and lake alike).
const T0 = 1769126400;
const ids: string[] = [
  '7100000000000000001',
  '7100000000000000002',
  '7100000000000000003',
  '7100000000000000004',
];

describe('reads give the current view', () => {
  const dir = tempDir();
  let service: Service;
  let admin: string;
  const call = async (method: 'GET' | 'PATCH' | 'DELETE' | 'POST', url: string, body?: unknown) => {
    const res = await service.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, text: res.body, json: () => JSON.parse(res.body) };
  };
  const rowsOf = async (
    q: Parameters<Awaited<ReturnType<Service['context']['lake']['query']>>['rows']>[0],
  ) => {
    const out: QueryRow[] = [];
    for await (const batch of (await service.context.lake.query()).rows(q)) out.push(...batch);
    return out;
  };
  const sql = async (text: string) => {
    const session = await SqlSession.open(service.context.lake.catalog, service.context.lake.config.lakeDir);
    try {
      const out: QueryRow[] = [];
      for await (const { rows } of session.run(text)) out.push(...rows);
      return out;
    } finally {
      session.close();
    }
  };

  beforeAll(async () => {
    service = await openService(
      { dataDir: dir.path },
      {},
      resolveServiceConfig(
        { logLevel: 'silent', webhookSecret: 'hook-secret-1', hotMaxAgeSeconds: 3600 },
        {},
      ),
      { platforms: [toyModule] },
    );
    admin = service.firstAdminToken!;
    for (const [i, id] of ids.entries()) {
      const body = toyLine({ id, at: (T0 + i * 60) * 1000, text: `original ${i}`, room: 'dora' });
      const res = await service.app.inject({
        method: 'POST',
        url: '/webhook/toy/hook-secret-1',
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
    }
    await service.context.hot.settle();
    expect((await call('PATCH', `/api/v1/messages/toy:${ids[0]}`, { text: 'edited zero' })).status).toBe(200);
    expect((await call('DELETE', `/api/v1/messages/toy:${ids[1]}`)).status).toBe(204);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  /** Every read path, checked on the hot tier first and on the lake after compaction. */
  const checkEveryRead = async () => {
    // The REST API's ids work in the query layer: the platform prefix sets the platform filter.
    const page = await call('GET', '/api/v1/query?conversation=toy:dora&order=asc');
    expect(page.status).toBe(200);
    const rows = page.json().rows as QueryRow[];
    expect(rows.map((r) => r.message_id)).toEqual([ids[0], ids[2], ids[3]]);
    expect(rows[0]).toMatchObject({ text: 'edited zero', edited: true });
    expect(Date.parse(String(rows[0]!.edited_at))).toBeGreaterThan(T0 * 1000);
    expect(rows[1]).toMatchObject({ text: 'original 2', edited: false, edited_at: null });
    expect(rows.every((r) => !('deleted' in r))).toBe(true);

    const all = (
      await call('GET', '/api/v1/query?conversation=toy:dora&order=asc&includeDeleted=true')
    ).json().rows as QueryRow[];
    expect(all.map((r) => [r.message_id, r.deleted])).toEqual([
      [ids[0], false],
      [ids[1], true],
      [ids[2], false],
      [ids[3], false],
    ]);

    const exported = await call('GET', '/api/v1/export?sender=toy:dora&format=jsonl');
    const lines = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => [r.message_id, r.text])).toEqual([
      [ids[0], 'edited zero'],
      [ids[2], 'original 2'],
      [ids[3], 'original 3'],
    ]);
    const csv = await call(
      'GET',
      '/api/v1/export?conversation=dora&format=csv&columns=message_id,text,edited',
    );
    expect(csv.text.trim().split(/\r?\n/)).toEqual([
      'message_id,text,edited',
      `${ids[0]},edited zero,true`,
      `${ids[2]},original 2,false`,
      `${ids[3]},original 3,false`,
    ]);

    const parquet = await service.app.inject({
      method: 'GET',
      url: '/api/v1/export?conversation=toy:dora&format=parquet&columns=message_id,text,edited',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(parquet.statusCode).toBe(200);
    expect(parquet.headers['content-type']).toBe('application/vnd.apache.parquet');
    const file = join(dir.path, `export-${Math.random()}.parquet`);
    writeFileSync(file, parquet.rawPayload);
    expect(await readParquetRows(file)).toEqual([
      { message_id: ids[0], text: 'edited zero', edited: true },
      { message_id: ids[2], text: 'original 2', edited: false },
      { message_id: ids[3], text: 'original 3', edited: false },
    ]);

    const none = await service.app.inject({
      method: 'GET',
      url: '/api/v1/export?from=2030-01-01&format=parquet&columns=message_id',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(none.statusCode).toBe(200);
    writeFileSync(file, none.rawPayload);
    expect(await readParquetRows(file)).toEqual([]);

    // Streams (the join path), text search on the current text, Parquet exports.
    expect((await rowsOf({ conversation: 'toy:dora' })).map((r) => r.message_id)).toEqual([
      ids[0],
      ids[2],
      ids[3],
    ]);
    expect((await rowsOf({ text: 'edited' })).map((r) => r.message_id)).toEqual([ids[0]]);
    expect(await rowsOf({ text: 'original 0' })).toEqual([]);
    const query = await service.context.lake.query();
    expect(await query.exportParquet({ platform: 'toy' }, join(dir.path, `x${Math.random()}.parquet`))).toBe(
      3,
    );

    // Messages by id, prefixed or bare.
    expect(await query.get([`toy:${ids[1]}`])).toEqual([]);
    const got = await query.get([`toy:${ids[1]}`, ids[0]!], undefined, { includeDeleted: true });
    expect(got.map((r) => [r.message_id, r.deleted, r.text])).toEqual([
      [ids[1], true, 'original 1'],
      [ids[0], false, 'edited zero'],
    ]);

    // SQL: messages is the current view; messages_all and message_changes hold the rest.
    expect(
      await sql("SELECT message_id, text, edited FROM messages WHERE sender_id = 'dora' ORDER BY 1"),
    ).toEqual([
      { message_id: ids[0], text: 'edited zero', edited: true },
      { message_id: ids[2], text: 'original 2', edited: false },
      { message_id: ids[3], text: 'original 3', edited: false },
    ]);
    expect(await sql('SELECT message_id FROM messages_all WHERE deleted')).toEqual([{ message_id: ids[1] }]);
    expect(await sql('SELECT message_id, change FROM message_changes ORDER BY 1, version')).toEqual([
      { message_id: ids[0], change: 'edit' },
      { message_id: ids[1], change: 'delete' },
    ]);
  };

  it('hot tier: deleted left out (or marked), edits applied, in every read', async () => {
    expect((await service.context.lake.catalog.hotSummary()).rows).toBeGreaterThan(0);
    await checkEveryRead();
  });

  it('lake: the same after compaction', async () => {
    await service.compactor.drain();
    expect((await service.context.lake.catalog.hotSummary()).rows).toBe(0);
    await checkEveryRead();
  });

  it('a change makes a cached page window read again', async () => {
    const query = await service.context.lake.query();
    const page = (q = {}) =>
      query.page({ platform: 'toy', conversation: 'dora', order: 'desc', limit: 2, ...q });
    const first = await page();
    expect(first.rows.map((r) => r.message_id)).toEqual([ids[3], ids[2]]);
    const hits = query.counters.windowHits;
    expect((await page()).rows.map((r) => r.message_id)).toEqual([ids[3], ids[2]]);
    expect(query.counters.windowHits).toBe(hits + 1);
    expect((await call('DELETE', `/api/v1/messages/toy:${ids[3]}`)).status).toBe(204);
    expect((await call('PATCH', `/api/v1/messages/toy:${ids[2]}`, { text: 'edited two' })).status).toBe(200);
    const after = await page();
    expect(after.rows.map((r) => [r.message_id, r.text])).toEqual([
      [ids[2], 'edited two'],
      [ids[0], 'edited zero'],
    ]);
    // Restored: back in every read.
    expect((await call('POST', `/api/v1/messages/toy:${ids[3]}/restore`)).status).toBe(200);
    expect((await page()).rows.map((r) => r.message_id)).toEqual([ids[3], ids[2]]);
  });

  it('a page over columns without the sort key still pages (they are read along, then left out)', async () => {
    const query = await service.context.lake.query();
    const q = { platform: 'toy', conversation: 'dora', columns: ['message_id', 'text'], limit: 1 };
    const seen: QueryRow[] = [];
    let cursor: string | undefined;
    do {
      const p = await query.page({ ...q, cursor });
      seen.push(...p.rows);
      cursor = p.cursor ?? undefined;
    } while (cursor);
    expect(seen.map((r) => Object.keys(r))).toEqual(seen.map(() => ['message_id', 'text']));
    expect(seen.map((r) => r.message_id)).toEqual([ids[0], ids[2], ids[3]]);
  });

  it('a prefixed id naming another platform than the filter is refused', async () => {
    const res = await call('GET', '/api/v1/query?platform=chatlake&conversation=toy:dora');
    expect(res.status).toBe(400);
    expect(res.json().error.message).toMatch(/conversation "toy:dora" is a toy id/);
  });

  it('a lost Parquet file: reads name it and the repair', async () => {
    const [file] = await service.context.lake.catalog.dataFiles({ dataset: 'messages' });
    const path = join(service.context.lake.config.lakeDir, file!.path);
    expect(existsSync(path)).toBe(true);
    rmSync(path);
    const query = await service.context.lake.query();
    const failure = await rowsOf({ conversation: 'dora' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChatlakeError);
    expect(failure).toMatchObject({
      code: 'integrity',
      message: expect.stringContaining(file!.path),
      hint: 'run chatlake validate --repair, then ingest the source again',
    });
    await expect(query.page({ conversation: 'dora', limit: 2 })).rejects.toMatchObject({
      code: 'integrity',
    });
    await expect(query.get([ids[0]!])).rejects.toMatchObject({ code: 'integrity' });
    const res = await call('GET', '/api/v1/query?conversation=dora');
    expect(res.json().error).toMatchObject({
      code: 'integrity',
      message: expect.stringContaining(file!.path),
    });
    await expect(sql('SELECT count(*) FROM messages')).rejects.toMatchObject({ code: 'integrity' });
    writeFileSync(join(dir.path, 'done'), '');
  });
});
