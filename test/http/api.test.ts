import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openService, type Service } from '../../src/app/open-service.js';
import { resolveServiceConfig } from '../../src/config/service-config.js';
import { toyModule } from '../platforms/toy/toy-module.js';
import { type ToyMessage, toyLine } from '../support/records.js';
import { tempDir } from '../support/temp-dir.js';

/** A toy platform message (a webhook body) from alice in her direct chat. */
const toy = (id: string, text: string | null, more: Partial<ToyMessage> = {}) =>
  JSON.parse(toyLine({ id, text, room: 'alice', at: 1769126400000, ...more }));

describe('service API', () => {
  const dir = tempDir();
  let service: Service;
  let admin: string;
  let reader: string;
  let writer: string;
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const res = await service.app.inject({
      method,
      url,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      payload: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : null, headers: res.headers };
  };
  /** Every page's message ids, following the cursor to the end. */
  const walk = async (url: string, limit: number): Promise<string[][]> => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const r = await call('GET', `${url}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
        token: reader,
      });
      expect(r.status).toBe(200);
      pages.push(r.body.messages.map((m: { id: string }) => m.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    return pages;
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
    reader = (await service.context.tokens.create('r', 'read', 'test')).token;
    writer = (await service.context.tokens.create('w', 'write', 'test')).token;
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('creates one admin token on the first start and stores only its hash', async () => {
    expect(admin).toMatch(/^clk_/);
    const tokens = await service.context.lake.catalog.tokens();
    expect(tokens.map((t) => t.scopes[0])).toEqual(['admin', 'read', 'write']);
    expect(JSON.stringify(tokens)).not.toContain(admin);
  });

  it('refuses routes without a token (401), with too small a scope (403), and revoked tokens', async () => {
    expect((await call('GET', '/api/v1/conversations')).status).toBe(401);
    expect((await call('GET', '/api/v1/conversations', { token: 'clk_nope' })).status).toBe(401);
    const denied = await call('POST', '/api/v1/conversations', { token: reader, body: { type: 'group' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    const t = await service.context.tokens.create('tmp', 'read', 'test');
    expect((await call('GET', '/api/v1/conversations', { token: t.token })).status).toBe(200);
    expect((await call('DELETE', `/api/v1/tokens/${t.id}`, { token: writer })).status).toBe(403);
    expect((await call('DELETE', `/api/v1/tokens/${t.id}`, { token: admin })).status).toBe(204);
    expect((await call('GET', '/api/v1/conversations', { token: t.token })).status).toBe(401);
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/ready')).body.status).toBe('ready');
  });

  it('webhook: needs the secret, stores a message once, answers re-deliveries ok, quarantines bad bodies', async () => {
    const body = toy('7000000000000000001', 'hello 你好');
    expect((await call('POST', '/webhook/toy', { body })).status).toBe(401);
    const first = await call('POST', '/webhook/toy/hook-secret-1', { body });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'ok', request_id: expect.any(String) });
    const again = await call('POST', '/webhook/toy', {
      body,
      headers: { 'x-webhook-secret': 'hook-secret-1' },
    });
    expect(again.status).toBe(200);
    const before = (await service.context.lake.catalog.quarantineCounts()).open;
    const bad = await service.app.inject({
      method: 'POST',
      url: '/webhook/toy/hook-secret-1',
      headers: { 'content-type': 'application/json' },
      payload: '{"toy": 1, "room": "alice", "id": {',
    });
    expect(bad.statusCode).toBe(200);
    expect(JSON.parse(bad.body).quarantined).toBe(true);
    const second = await call('POST', '/webhook/toy/hook-secret-1', {
      body: toy('7000000000000000002', 'later'),
    });
    expect(second.body).not.toHaveProperty('quarantined');
    expect((await service.context.lake.catalog.quarantineCounts()).open).toBe(before + 1);
    const page = await call('GET', '/api/v1/conversations/toy:alice/messages', { token: reader });
    // Newest first; equal times by id, descending.
    expect(page.body.messages.map((m: { id: string }) => m.id)).toEqual([
      'toy:7000000000000000002',
      'toy:7000000000000000001',
    ]);
    expect(page.body.messages[1].text).toBe('hello 你好');

    // A status sync is stored but is not conversation content: pages leave it out, get finds it.
    const status = toy('7000000000000000003', null, { kind: 'status' });
    expect((await call('POST', '/webhook/toy/hook-secret-1', { body: status })).status).toBe(200);
    const after = await call('GET', '/api/v1/conversations/toy:alice/messages', { token: reader });
    expect(after.body.messages.map((m: { id: string }) => m.id)).toEqual([
      'toy:7000000000000000002',
      'toy:7000000000000000001',
    ]);
    const stored = await call('GET', '/api/v1/messages/toy:7000000000000000003', { token: reader });
    expect(stored.body).toMatchObject({ kind: 'status', conversationId: 'toy:alice' });
    // The newest row is the status sync, yet a page of one holds a message, and the cursor goes on.
    expect(await walk('/api/v1/conversations/toy:alice/messages', 1)).toEqual([
      ['toy:7000000000000000002'],
      ['toy:7000000000000000001'],
    ]);
  });

  it('conversations: create, get, list by type, update metadata, participants', async () => {
    const created = await call('POST', '/api/v1/conversations', {
      token: writer,
      body: {
        id: 'team',
        type: 'group',
        participants: [{ id: 'alice', role: 'owner' }, { id: 'bob' }],
        metadata: { title: 'Team' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'chatlake:team',
      type: 'group',
      metadata: { title: 'Team' },
      messageCount: 0,
    });
    expect(
      (await call('POST', '/api/v1/conversations', { token: writer, body: { id: 'team', type: 'group' } }))
        .status,
    ).toBe(409);
    expect(
      (await call('POST', '/api/v1/conversations', { token: writer, body: { type: 'channel' } })).status,
    ).toBe(400);
    const updated = await call('PATCH', '/api/v1/conversations/chatlake:team', {
      token: writer,
      body: { metadata: { topic: 'x' } },
    });
    expect(updated.body.metadata).toEqual({ title: 'Team', topic: 'x' });
    const groups = await call('GET', '/api/v1/conversations?type=group', { token: reader });
    expect(groups.body.conversations.map((c: { id: string }) => c.id)).toEqual(['chatlake:team']);
    await call('POST', '/api/v1/conversations/chatlake:team/participants', {
      token: writer,
      body: { id: 'carol' },
    });
    expect(
      (await call('DELETE', '/api/v1/conversations/chatlake:team/participants/bob', { token: writer }))
        .status,
    ).toBe(204);
    const members = await call('GET', '/api/v1/conversations/chatlake:team/participants', { token: reader });
    expect(members.body.participants.map((p: { id: string; role: string }) => `${p.id}:${p.role}`)).toEqual([
      'alice:owner',
      'carol:member',
    ]);
    expect((await call('GET', '/api/v1/conversations/chatlake:nope', { token: reader })).status).toBe(404);
    expect((await call('GET', '/api/v1/conversations/no-colon', { token: reader })).status).toBe(400);
  });

  it('messages: idempotent posts (replay, 422 on another body, 409 while in flight), async 202, non-participants refused', async () => {
    const url = '/api/v1/conversations/chatlake:team/messages';
    const body = { senderId: 'alice', text: 'first' };
    const a = await call('POST', url, { token: writer, body, headers: { 'idempotency-key': 'k-1' } });
    expect(a.status).toBe(201);
    const b = await call('POST', url, { token: writer, body, headers: { 'idempotency-key': 'k-1' } });
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body).toEqual(a.body);
    const c = await call('POST', url, {
      token: writer,
      body: { ...body, text: 'changed' },
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(c.status).toBe(422);
    // A first request still in flight: the same key meanwhile is a conflict, and nothing is written twice.
    const writerId = (await service.context.lake.catalog.tokens()).find((t) => t.name === 'w')!.id;
    let release = () => {};
    const inFlight = service.context.idempotency.run(
      `token:${writerId}:messages:chatlake:team`,
      'k-2',
      { senderId: 'alice', text: 'race' },
      () => new Promise((resolve) => (release = () => resolve({ status: 201, body: {} }))),
    );
    await new Promise((r) => setTimeout(r, 20));
    const second = await call('POST', url, {
      token: writer,
      body: { senderId: 'alice', text: 'race' },
      headers: { 'idempotency-key': 'k-2' },
    });
    expect(second.status).toBe(409);
    release();
    await inFlight;
    await call('POST', url, {
      token: writer,
      body: { senderId: 'alice', text: 'race' },
      headers: { 'idempotency-key': 'k-3' },
    });
    const queued = await call('POST', url, {
      token: writer,
      body: { senderId: 'carol', text: 'later' },
      headers: { 'x-write-mode': 'async' },
    });
    expect(queued.status).toBe(202);
    await service.context.hot.settle();
    expect((await call('GET', `/api/v1/messages/${queued.body.id}`, { token: reader })).body.text).toBe(
      'later',
    );
    // A queued message whose commit fails after the 202 (the catalog refuses writes) is counted, not lost
    // silently: the client finds no message under the id it was given.
    const db = (service.context.lake.catalog as unknown as { db: import('kysely').Kysely<unknown> }).db;
    await sql`PRAGMA query_only = 1`.execute(db);
    try {
      const lost = await call('POST', url, {
        token: writer,
        body: { senderId: 'carol', text: 'never stored' },
        headers: { 'x-write-mode': 'async' },
      });
      expect(lost.status).toBe(202);
      await service.context.hot.settle();
      const metrics = await call('GET', '/metrics', { token: reader });
      expect(metrics.body).toContain('chatlake_queued_write_failures_total 1');
      expect((await call('GET', `/api/v1/messages/${lost.body.id}`, { token: reader })).status).toBe(404);
    } finally {
      await sql`PRAGMA query_only = 0`.execute(db);
    }
    const stranger = await call('POST', url, { token: writer, body: { senderId: 'mallory', text: 'hi' } });
    expect(stranger.status).toBe(422);
    expect(
      (await call('POST', '/api/v1/conversations/toy:alice/messages', { token: writer, body })).status,
    ).toBe(422);
    const texts = (await call('GET', `${url}?limit=50`, { token: reader })).body.messages.map(
      (m: { text: string }) => m.text,
    );
    expect(texts.sort()).toEqual(['first', 'later', 'race']);
    // Each stored message is audited once, by the token that wrote it (async ones at their commit); the
    // repeats under an idempotency key and the refused posts are not.
    const ids: string[] = (await call('GET', `${url}?limit=50`, { token: reader })).body.messages.map(
      (m: { id: string }) => m.id,
    );
    const mine = (await service.context.lake.catalog.auditLog()).filter(
      (e) => e.action === 'message.create' && ids.includes(e.target),
    );
    expect(mine.map((e) => e.target).sort()).toEqual([...ids].sort());
    expect(new Set(mine.map((e) => e.actor))).toEqual(new Set([`token:${writerId}`]));
  });

  it('concurrent repeats of one message store it once: same key, same client id, sync or async', async () => {
    const conv = await call('POST', '/api/v1/conversations', {
      token: writer,
      body: { id: 'burst', type: 'direct', participants: [{ id: 'alice' }, { id: 'bob' }] },
    });
    expect(conv.status).toBe(201);
    const url = '/api/v1/conversations/chatlake:burst/messages';
    const burst = (n: number, body: unknown, headers: (i: number) => Record<string, string> = () => ({})) =>
      Promise.all(
        Array.from({ length: n }, (_, i) => call('POST', url, { token: writer, body, headers: headers(i) })),
      );

    // One Idempotency-Key: the first runs; the others replay its answer or find it in flight (409).
    const keyed = await burst(25, { senderId: 'alice', text: 'keyed' }, () => ({
      'idempotency-key': 'burst-1',
    }));
    expect(keyed.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const keyedIds = new Set(keyed.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(keyedIds.size).toBe(1);
    // One client id, no key, sync and async mixed: all answered as the one message.
    const same = await burst(
      25,
      { id: 'burst-same', senderId: 'bob', text: 'same' },
      (i): Record<string, string> => (i % 2 ? { 'x-write-mode': 'async' } : {}),
    );
    expect(same.map((r) => r.status).sort()).toEqual([...Array(13).fill(201), ...Array(12).fill(202)].sort());
    expect(new Set(same.map((r) => r.body.id))).toEqual(new Set(['chatlake:burst-same']));
    // One client id, different bodies: one is stored, every other is a conflict.
    const clash = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('POST', url, { token: writer, body: { id: 'burst-clash', senderId: 'alice', text: `v${i}` } }),
      ),
    );
    expect(clash.filter((r) => r.status === 201).length).toBe(1);
    expect(clash.filter((r) => r.status === 409).length).toBe(9);

    await service.context.hot.settle();
    const texts = (await call('GET', `${url}?limit=100`, { token: reader })).body.messages.map(
      (m: { text: string }) => m.text,
    );
    expect(texts.filter((t: string) => t === 'keyed')).toHaveLength(1);
    expect(texts.filter((t: string) => t === 'same')).toHaveLength(1);
    expect(texts.filter((t: string) => t.startsWith('v'))).toHaveLength(1);
    expect(texts).toHaveLength(3);
  });

  it('edits keep history, deletes hide until restored, acks record delivered/read', async () => {
    const url = '/api/v1/conversations/chatlake:team/messages';
    const m = (
      await call('POST', url, { token: writer, body: { senderId: 'alice', text: 'v1', id: 'msg-edit' } })
    ).body;
    expect(m.id).toBe('chatlake:msg-edit');
    const edited = await call('PATCH', `/api/v1/messages/${m.id}`, { token: writer, body: { text: 'v2' } });
    expect(edited.body).toMatchObject({ text: 'v2', version: 2 });
    const history = await call('GET', `/api/v1/messages/${m.id}/history`, { token: reader });
    expect(history.body.versions.map((v: { text: string }) => v.text)).toEqual(['v1', 'v2']);
    expect((await call('DELETE', `/api/v1/messages/${m.id}`, { token: writer })).status).toBe(204);
    expect((await call('GET', `/api/v1/messages/${m.id}`, { token: reader })).status).toBe(404);
    const listed = (await call('GET', url, { token: reader })).body.messages.map((x: { id: string }) => x.id);
    expect(listed).not.toContain(m.id);
    // Pages stay full around a deleted message: a walk of one per page is the same list.
    expect(await walk(url, 1)).toEqual(listed.map((id: string) => [id]));
    const restored = await call('POST', `/api/v1/messages/${m.id}/restore`, { token: writer });
    expect(restored.body).toMatchObject({ text: 'v2', deleted: false });
    await call('PUT', `/api/v1/messages/${m.id}/ack`, {
      token: writer,
      body: { participantId: 'carol', state: 'delivered' },
    });
    const acks = await call('PUT', `/api/v1/messages/${m.id}/ack`, {
      token: writer,
      body: { participantId: 'alice', state: 'read' },
    });
    expect(
      acks.body.acks.map((a: { participantId: string; readAt: string | null }) => [
        a.participantId,
        a.readAt !== null,
      ]),
    ).toEqual([
      ['alice', true],
      ['carol', false],
    ]);
  });

  it('reads hot rows and lake rows alike, before and after compaction', async () => {
    const url = '/api/v1/conversations/chatlake:team/messages?limit=3';
    const before = await call('GET', url, { token: reader });
    expect((await service.context.lake.catalog.hotSummary()).rows).toBeGreaterThan(0);
    await service.compactor.drain();
    expect((await service.context.lake.catalog.hotSummary()).rows).toBe(0);
    const after = await call('GET', url, { token: reader });
    expect(after.body).toEqual(before.body);
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { messages: { id: string }[]; nextCursor: string | null } } = await call(
        'GET',
        `${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: reader },
      );
      all.push(...page.body.messages.map((m) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(4);
    const bad = await call('GET', `${url}&cursor=${encodeURIComponent(`${before.body.nextCursor}x`)}`, {
      token: reader,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_argument');
  });

  it('answers concurrent page reads, each on its own DuckDB connection', async () => {
    const urls = [
      '/api/v1/conversations/chatlake:team/messages?limit=2',
      '/api/v1/conversations/toy:alice/messages',
    ];
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) => call('GET', urls[i % 2]!, { token: reader })),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(new Set(replies.filter((_, i) => i % 2 === 1).map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it('attachments: content-addressed, checksummed, size and type limited', async () => {
    const bytes = Buffer.from('a picture, honestly');
    const up = await service.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'image/png' },
      payload: bytes,
    });
    expect(up.statusCode).toBe(201);
    const info = JSON.parse(up.body);
    expect(info.sha256).toBe(require('node:crypto').createHash('sha256').update(bytes).digest('hex'));
    const down = await service.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${info.id}`,
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(down.rawPayload.equals(bytes)).toBe(true);
    expect(down.headers['content-type']).toBe('image/png');
    const refused = await service.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/x-msdownload' },
      payload: bytes,
    });
    expect(refused.statusCode).toBe(415);
  });

  it('serves an OpenAPI 3 document listing every route, and Prometheus metrics', async () => {
    const doc = (await call('GET', '/openapi.json', { token: reader })).body;
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const routes = service.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((l) => l.includes('('));
    expect(routes.length).toBeGreaterThan(0);
    for (const r of [
      'POST /webhook/toy',
      'POST /api/v1/conversations',
      'GET /api/v1/conversations/{id}/messages',
      'PUT /api/v1/messages/{id}/ack',
      'POST /api/v1/attachments',
      'GET /api/v1/query',
    ])
      expect(documented).toContain(r);
    const metrics = await service.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(metrics.body).toContain('chatlake_http_requests_total{');
    expect(metrics.body).toContain('chatlake_http_request_duration_seconds_bucket{');
    expect(metrics.body).toMatch(/chatlake_messages_accepted_total\{outcome="stored"\} [1-9]/);
    expect(metrics.body).toMatch(/chatlake_hot_rows \d+/);
    // The event loop is sampled from the start: a delay was seen, and the longest is at least the 99th percentile.
    const delay = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics.body)?.[1]);
    expect(delay('chatlake_event_loop_delay_max_seconds')).toBeGreaterThan(0);
    expect(delay('chatlake_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(
      delay('chatlake_event_loop_delay_p99_seconds'),
    );
  });

  it('audit log: every creation and admin action is chained; verify finds an altered entry', async () => {
    const ok = await call('GET', '/api/v1/audit/verify', { token: admin });
    expect(ok.body).toMatchObject({ ok: true, problem: null });
    expect(ok.body.entries).toBeGreaterThanOrEqual(8);
    const actions = (await service.context.lake.catalog.auditLog()).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'token.create',
        'token.revoke',
        'conversation.create',
        'message.create',
        'message.delete',
      ]),
    );
    const db = (
      service.context.lake.catalog as unknown as {
        db: import('kysely').Kysely<import('../../src/catalog/schema.js').CatalogSchema>;
      }
    ).db;
    await db.updateTable('audit_log').set({ target: 'tampered' }).where('id', '=', 3).execute();
    const broken = await call('GET', '/api/v1/audit/verify', { token: admin });
    expect(broken.body).toMatchObject({ ok: false, problem: { id: 3 } });
  });

  it('config validation names the bad setting and its source', () => {
    expect(() => resolveServiceConfig({}, { CHATLAKE_PORT: 'eighty' })).toThrow(
      /port \(from CHATLAKE_PORT\)/,
    );
    expect(() => resolveServiceConfig({ hotMaxRows: -1 })).toThrow(/hotMaxRows \(from --hot-max-rows\)/);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
