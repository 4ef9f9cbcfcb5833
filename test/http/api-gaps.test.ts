import { AjvCompiler } from '@fastify/ajv-compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openService, type Service } from '../../src/app/open-service.js';
import { resolveServiceConfig } from '../../src/config/service-config.js';
import { tempDir } from '../support/temp-dir.js';

describe('service API: error wording, conversation times, audit list, attachments, OpenAPI schemas', () => {
  const dir = tempDir();
  let service: Service;
  let admin: string;
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
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : null };
  };

  beforeAll(async () => {
    service = await openService(
      { dataDir: dir.path },
      {},
      resolveServiceConfig({ logLevel: 'silent', hotMaxAgeSeconds: 3600 }, {}),
    );
    admin = service.firstAdminToken!;
    writer = (await service.context.tokens.create('w', 'write', 'test')).token;
    const team = await call('POST', '/api/v1/conversations', {
      token: writer,
      body: { id: 'team', type: 'group', participants: [{ id: 'alice' }, { id: 'bob' }] },
    });
    expect(team.status).toBe(201);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('validation errors name the field once and list the allowed values of an enum', async () => {
    const url = '/api/v1/conversations/chatlake:team/messages';
    const wrongType = await call('POST', url, { token: writer, body: { senderId: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toEqual({
      code: 'invalid_argument',
      message: 'body field senderId must be string',
    });
    const kind = await call('POST', url, { token: writer, body: { senderId: 'alice', kind: 'nope' } });
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toMatch(/^body field kind must be one of text, image, /);
    expect(kind.body.error.message).not.toMatch(/anyOf|constant/);
    const type = await call('GET', '/api/v1/conversations?type=channel', { token: writer });
    expect(type.body.error.message).toBe('query parameter type must be one of direct, group');
    const mode = await call('POST', url, {
      token: writer,
      body: { senderId: 'alice', text: 'x' },
      headers: { 'x-write-mode': 'later' },
    });
    expect(mode.body.error.message).toBe('header x-write-mode must be one of sync, async');
    const extra = await call('PUT', '/api/v1/messages/chatlake:x/ack', {
      token: writer,
      body: { participantId: 'alice', state: 'seen', extra: 1 },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toBe('body field extra is not allowed');
    const state = await call('PUT', '/api/v1/messages/chatlake:x/ack', {
      token: writer,
      body: { participantId: 'alice', state: 'seen' },
    });
    expect(state.body.error.message).toBe('body field state must be one of delivered, read');
    const missing = await call('POST', url, { token: writer, body: { text: 'x' } });
    expect(missing.body.error.message).toBe('body field senderId is required');
  });

  it('HTTP errors carry no hint written for the command line', async () => {
    const badCursor = await call('GET', '/api/v1/conversations/chatlake:team/messages?cursor=YWJj.ZGVm', {
      token: writer,
    });
    expect(badCursor.status).toBe(400);
    expect(Object.keys(badCursor.body.error)).toEqual(['code', 'message']);
    expect(badCursor.body.error.message).not.toContain('--');
    const anonymous = await call('GET', '/api/v1/conversations');
    expect(anonymous.status).toBe(401);
    expect(Object.keys(anonymous.body.error)).toEqual(['code', 'message']);
    expect(anonymous.body.error.message).toContain('Authorization: Bearer <token>');
  });

  it('a conversation created through the API takes its first and last message times from its messages', async () => {
    for (const [id, sentAt] of [
      ['older', '2020-03-01T08:00:00.000Z'],
      ['newer', '2031-05-01T08:00:00.000Z'],
    ] as const) {
      const created = await call('POST', '/api/v1/conversations', {
        token: writer,
        body: { id, type: 'group' },
      });
      expect(created.body).toMatchObject({ messageCount: 0, firstMessageAt: null, lastMessageAt: null });
      const url = `/api/v1/conversations/chatlake:${id}`;
      const posted = await call('POST', `${url}/messages`, {
        token: writer,
        body: { senderId: 'alice', text: 'first', sentAt },
      });
      expect(posted.status).toBe(201);
      const conv = (await call('GET', url, { token: writer })).body;
      expect(conv).toMatchObject({ messageCount: 1, firstMessageAt: sentAt, lastMessageAt: sentAt });
      expect(conv.createdAt).toBe(created.body.createdAt);
      const later = new Date(Date.parse(sentAt) + 3_600_000).toISOString();
      await call('POST', `${url}/messages`, {
        token: writer,
        body: { senderId: 'bob', text: 'two', sentAt: later },
      });
      expect((await call('GET', url, { token: writer })).body).toMatchObject({
        messageCount: 2,
        firstMessageAt: sentAt,
        lastMessageAt: later,
      });
      const page = await call('GET', `${url}/messages`, { token: writer });
      expect(page.body.messages.map((m: { text: string }) => m.text)).toEqual(['two', 'first']);
    }
    const doc = (await call('GET', '/openapi.json', { token: writer })).body;
    for (const path of ['/api/v1/conversations', '/api/v1/conversations/{id}'])
      expect(doc.paths[path].get.description).toMatch(/status syncs .* not counted/);
  });

  it('GET /api/v1/audit lists entries oldest first, pages by cursor or after, filters, admin only', async () => {
    for (const name of ['a1', 'a2', 'a3']) await service.context.tokens.create(name, 'read', 'test');
    expect((await call('GET', '/api/v1/audit', { token: writer })).status).toBe(403);
    const all = (await service.context.lake.catalog.auditLog()).map((e) => e.id);
    const first = await call('GET', '/api/v1/audit?limit=2', { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e: { id: number }) => e.id)).toEqual(all.slice(0, 2));
    expect(first.body.entries[0]).toMatchObject({ actor: expect.any(String), action: 'token.create' });
    expect(first.body.entries[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entries: { id: number }[]; nextCursor: string | null } } = await call(
        'GET',
        `/api/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin },
      );
      seen.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const after = await call('GET', `/api/v1/audit?after=${all[1]}&limit=1000`, { token: admin });
    expect(after.body.entries.map((e: { id: number }) => e.id)).toEqual(all.slice(2));
    expect(after.body.nextCursor).toBeNull();
    const created = await call('GET', '/api/v1/audit?action=conversation.create&actor=token:2', {
      token: admin,
    });
    expect(created.body.entries.map((e: { target: string }) => e.target)).toEqual([
      'chatlake:team',
      'chatlake:older',
      'chatlake:newer',
    ]);
    const byTarget = await call('GET', '/api/v1/audit?target=chatlake:team', { token: admin });
    expect(byTarget.body.entries.map((e: { action: string }) => e.action)).toEqual(['conversation.create']);
    // A cursor belongs to its filters.
    const filtered = await call('GET', '/api/v1/audit?limit=1&action=token.create', { token: admin });
    const foreign = await call('GET', `/api/v1/audit?cursor=${filtered.body.nextCursor}`, { token: admin });
    expect(foreign.status).toBe(400);
    const both = await call(
      'GET',
      `/api/v1/audit?after=1&cursor=${filtered.body.nextCursor}&action=token.create`,
      {
        token: admin,
      },
    );
    expect(both.status).toBe(400);
    expect(both.body.error.message).toBe('pass cursor or after, not both');
  });

  it('attachments are linked to a message when it is posted, checked, and come back with it after compaction', async () => {
    const upload = async (text: string, type: string) => {
      const r = await service.app.inject({
        method: 'POST',
        url: '/api/v1/attachments',
        headers: { authorization: `Bearer ${writer}`, 'content-type': type },
        payload: Buffer.from(text),
      });
      expect(r.statusCode).toBe(201);
      return JSON.parse(r.body) as { sha256: string; size: number; mimeType: string };
    };
    const photo = await upload('a photo', 'image/png');
    const voice = await upload('a voice note', 'audio/ogg');
    const refs = [voice, photo].map(({ sha256, size, mimeType }) => ({ sha256, size, mimeType }));
    const url = '/api/v1/conversations/chatlake:team/messages';
    const body = {
      id: 'with-files',
      senderId: 'alice',
      text: 'see',
      attachments: [voice.sha256, photo.sha256],
    };
    const posted = await call('POST', url, { token: writer, body });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ id: 'chatlake:with-files', attachments: refs, metadata: null });
    // A repeat is the same message; the same id with other attachments is another one.
    expect((await call('POST', url, { token: writer, body })).body.attachments).toEqual(refs);
    const other = await call('POST', url, { token: writer, body: { ...body, attachments: [photo.sha256] } });
    expect(other.status).toBe(409);
    const keyed = { senderId: 'bob', text: 'mine', metadata: { k: 1 }, attachments: [photo.sha256] };
    const k1 = await call('POST', url, {
      token: writer,
      body: keyed,
      headers: { 'idempotency-key': 'att-1' },
    });
    const k2 = await call('POST', url, {
      token: writer,
      body: keyed,
      headers: { 'idempotency-key': 'att-1' },
    });
    expect(k1.body).toMatchObject({ metadata: { k: 1 }, attachments: [refs[1]] });
    expect(k2.body).toEqual(k1.body);

    const missing = 'f'.repeat(64);
    const unknown = await call('POST', url, {
      token: writer,
      body: { senderId: 'alice', attachments: [photo.sha256, missing] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain(`attachment ${missing} is not in the attachment store`);
    const reserved = await call('POST', url, {
      token: writer,
      body: { senderId: 'alice', metadata: { $attachments: [] } },
    });
    expect(reserved.status).toBe(400);
    const notHex = await call('POST', url, {
      token: writer,
      body: { senderId: 'alice', attachments: ['x'] },
    });
    expect(notHex.status).toBe(400);

    const check = async () => {
      expect(
        (await call('GET', '/api/v1/messages/chatlake:with-files', { token: writer })).body,
      ).toMatchObject({
        attachments: refs,
        metadata: null,
        text: 'see',
      });
      const page = (await call('GET', `${url}?limit=50`, { token: writer })).body.messages as {
        id: string;
        attachments: unknown[];
      }[];
      expect(page.find((m) => m.id === 'chatlake:with-files')?.attachments).toEqual(refs);
      expect(page.find((m) => m.id === k1.body.id)?.attachments).toEqual([refs[1]]);
      expect(page.filter((m) => m.attachments.length === 0).length).toBe(page.length - 2);
    };
    await check();
    await service.compactor.drain();
    expect((await service.context.lake.catalog.hotSummary()).rows).toBe(0);
    await check();
  });

  it('/openapi.json gives every route a 2xx reply schema and the error schema; live replies match them', async () => {
    const doc = (await call('GET', '/openapi.json', { token: writer })).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, OpenApiOperation>>).flatMap(
      ([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const { route, op } of operations) {
      const ok = Object.keys(op.responses).filter((code) => code.startsWith('2'));
      expect(ok, route).not.toEqual([]);
      for (const code of ok) {
        if (code === '204') continue;
        const schemas = Object.values(op.responses[code]!.content ?? {}).map((c) => c.schema);
        expect(schemas.length, `${route} ${code}`).toBeGreaterThan(0);
        for (const schema of schemas) expect(schema, `${route} ${code}`).toHaveProperty('type');
      }
      for (const code of ['4XX', '5XX']) {
        const schema = op.responses[code]?.content?.['application/json']?.schema;
        expect(schema?.properties?.error?.required, `${route} ${code}`).toEqual(['code', 'message']);
      }
    }

    // The validator Fastify itself uses (Ajv with formats), strict about types, never altering the reply.
    const compile = AjvCompiler()(
      {},
      {
        customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true },
      },
    );
    const matches = (method: string, path: string, reply: { status: number; body: unknown }) => {
      const responses = doc.paths[path][method].responses as OpenApiOperation['responses'];
      const documented = responses[String(reply.status)] ?? responses[`${String(reply.status)[0]}XX`];
      const schema = documented?.content?.['application/json']?.schema;
      expect(schema, `${method} ${path} ${reply.status}`).toBeDefined();
      const validate = compile({ schema, method, url: path, httpPart: 'body' }) as ((
        v: unknown,
      ) => boolean) & {
        errors?: unknown;
      };
      const valid = validate(reply.body);
      expect(valid, `${method} ${path} ${reply.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    expect(() => matches('get', '/api/v1/messages/{id}', { status: 200, body: { id: 1 } })).toThrow();
    const conv = '/api/v1/conversations/chatlake:team';
    matches(
      'get',
      '/api/v1/messages/{id}',
      await call('GET', '/api/v1/messages/chatlake:with-files', { token: writer }),
    );
    matches(
      'get',
      '/api/v1/conversations/{id}/messages',
      await call('GET', `${conv}/messages`, { token: writer }),
    );
    const queued = await call('POST', `${conv}/messages`, {
      token: writer,
      body: { senderId: 'alice', text: 'later' },
      headers: { 'x-write-mode': 'async' },
    });
    expect(queued.status).toBe(202);
    matches('post', '/api/v1/conversations/{id}/messages', queued);
    matches('get', '/api/v1/conversations/{id}', await call('GET', conv, { token: writer }));
    matches('get', '/api/v1/conversations', await call('GET', '/api/v1/conversations', { token: writer }));
    matches(
      'get',
      '/api/v1/conversations/{id}/participants',
      await call('GET', `${conv}/participants`, { token: writer }),
    );
    matches(
      'get',
      '/api/v1/messages/{id}/history',
      await call('GET', '/api/v1/messages/chatlake:with-files/history', { token: writer }),
    );
    const ack = await call('PUT', '/api/v1/messages/chatlake:with-files/ack', {
      token: writer,
      body: { participantId: 'bob', state: 'read' },
    });
    expect(ack.body.acks).toEqual([
      { participantId: 'bob', deliveredAt: expect.any(String), readAt: ack.body.acks[0].deliveredAt },
    ]);
    matches('put', '/api/v1/messages/{id}/ack', ack);
    matches('get', '/api/v1/tokens', await call('GET', '/api/v1/tokens', { token: admin }));
    matches(
      'post',
      '/api/v1/tokens',
      await call('POST', '/api/v1/tokens', { token: admin, body: { name: 'x', scope: 'read' } }),
    );
    matches('get', '/api/v1/audit', await call('GET', '/api/v1/audit', { token: admin }));
    matches('get', '/api/v1/audit/verify', await call('GET', '/api/v1/audit/verify', { token: admin }));
    matches('get', '/api/v1/query', await call('GET', '/api/v1/query?limit=5', { token: writer }));
    matches('get', '/health', await call('GET', '/health'));
    matches('get', '/ready', await call('GET', '/ready'));
    matches('post', '/webhook/wechat', await call('POST', '/webhook/wechat', { body: { not: 'wechat' } }));
    matches(
      'get',
      '/api/v1/messages/{id}',
      await call('GET', '/api/v1/messages/chatlake:nope', { token: writer }),
    );
    matches(
      'get',
      '/api/v1/conversations',
      await call('GET', '/api/v1/conversations', { token: 'clk_nope' }),
    );
  });
});

interface OpenApiOperation {
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema: { type?: string; properties?: { error?: { required?: string[] } } } }
      >;
    }
  >;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
