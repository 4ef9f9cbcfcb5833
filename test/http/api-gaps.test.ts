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
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
