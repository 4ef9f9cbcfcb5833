import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openService, type Service } from '../../src/app/open-service.js';
import { resolveServiceConfig } from '../../src/config/service-config.js';
import { MESSAGE_KINDS } from '../../src/core/message.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Bad input, property-based (fast-check, in-process through app.inject): bodies, headers, ids and query
 * strings on every route family. For every request: no 5xx, every error is exactly
 * `{error:{code,message[,hint]}}` as JSON with no stack trace, and an `x-request-id`. Protected routes answer
 * 401 without a valid token and 403 without the scope, and change nothing then. A model of what the service
 * should hold predicts each answer from the documented schema: a 2xx only for a valid request, and what was
 * accepted is read back afterwards (at once, and again after the hot tier moved into Parquet).
 *
 * Seeded: the seed is printed; replay a run with CHATLAKE_FUZZ_SEED=<seed>.
 */

const SEED = Number(process.env.CHATLAKE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BODY_LIMIT = 160 * 1024;
const ATTACHMENT_MAX = 8 * 1024;
const SECRET = 'fuzz-hook-secret';
/** Nesting deeper than this in a JSON body is refused (the service's limit). */
const MAX_JSON_DEPTH = 64;

// biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field
type Json = any;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
interface Req {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}
interface Reply {
  status: number;
  text: string;
  raw: Buffer;
  json: Json;
  headers: Record<string, unknown>;
}

// ---------------------------------------------------------------- the documented schema, as an oracle

const cp = (s: string) => [...s].length;
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && cp(v) >= min && cp(v) <= max;
const onlyKeys = (o: Record<string, unknown>, keys: readonly string[]) =>
  Object.keys(o).every((k) => keys.includes(k));
const ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/u;
/** Kinds a client may post: not the platform notifications "revoke" (it revokes another message) and "status". */
const API_KINDS = MESSAGE_KINDS.filter((k) => k !== 'revoke' && k !== 'status');
const PLATFORM = /^[a-z][a-z0-9_-]{0,31}$/;

/** Nesting depth (a scalar 0, a container 1 + its deepest child), unpaired surrogates and proto keys, iteratively. */
function scan(v: unknown): { depth: number; unpaired: boolean; poisoned: boolean } {
  const out = { depth: 0, unpaired: false, poisoned: false };
  const stack: [unknown, number][] = [[v, 0]];
  const bad = (s: string) => /\p{Surrogate}/u.test(s);
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x === 'string') out.unpaired ||= bad(x);
    if (typeof x !== 'object' || x === null) continue;
    out.depth = Math.max(out.depth, d + 1);
    for (const [k, c] of Object.entries(x)) {
      out.unpaired ||= bad(k);
      // What secure-json-parse refuses: a `__proto__` key, or `constructor` holding a `prototype`.
      if (k === '__proto__' || (k === 'constructor' && isObj(c) && Object.hasOwn(c, 'prototype')))
        out.poisoned = true;
      stack.push([c, d + 1]);
    }
  }
  return out;
}

/** What every JSON body route refuses before its schema: not an object, poisoned, too deep, not Unicode. */
function badBody(v: unknown): boolean {
  if (!isObj(v)) return true;
  const s = scan(v);
  return s.poisoned || s.unpaired || s.depth > MAX_JSON_DEPTH;
}

const validMetadata = (m: unknown) =>
  isObj(m) && Object.keys(m).length <= 100 && Object.keys(m).every((k) => cp(k) <= 128);

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** An RFC 3339 date-time that JavaScript reads (what the API documents as an ISO time). */
function isoTime(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]! || (mo === 2 && d === 29 && !leap)) return false;
  if (h > 23 || mi > 59 || s > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return Number.isFinite(Date.parse(v));
}

/**
 * How a time parameter must be answered: 'ok' (an RFC 3339 time: accepted), 'bad' (refused), or 'either' for
 * near-ISO spellings JavaScript reads (e.g. an offset without a colon): refused, or accepted as Date.parse reads it.
 */
function timeVerdict(v: string): 'ok' | 'bad' | 'either' {
  if (isoTime(v)) return 'ok';
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(v) && Number.isFinite(Date.parse(v))) return 'either';
  return 'bad';
}

/** parseId plus the route's Id schema (3–300 characters). */
function idOk(decoded: string): boolean {
  if (!isStr(decoded, 3, 300)) return false;
  const colon = decoded.indexOf(':');
  const id = decoded.slice(colon + 1);
  return colon > 0 && PLATFORM.test(decoded.slice(0, colon)) && id.length > 0 && id.length <= 256;
}

// ---------------------------------------------------------------- generators

const weird = fc.constantFrom(
  '..',
  '.',
  '%',
  '%25',
  '%00',
  '%2e%2e',
  '../..',
  '🙂',
  'é',
  ' ',
  '__proto__',
  'constructor',
  ':',
  'chatlake:',
  'chatlake:..',
  'CHATLAKE:x',
  'wechat:',
  'a/b',
  '?x=1',
  '#frag',
  '\n',
  '\u0000',
  '\u202e',
  'x'.repeat(101),
  'x'.repeat(301),
  '𝟘'.repeat(257),
);
/** Strings safe to percent-encode (no lone surrogates). */
const urlText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  weird,
);
/** Anything a JSON string can hold, lone surrogates included. */
const anyText = fc.oneof(
  urlText,
  fc.constantFrom('\ud800', 'a\udfffb', '\u0000\u0001', '\r\n', ''),
  fc.string({ unit: 'binary', minLength: 250, maxLength: 260 }),
);
const idChars = fc.constantFrom(...'ABCXYZabcxyz0189._@-');
const apiId = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9._@-]{1,12}$/) },
  { weight: 2, arbitrary: fc.string({ unit: idChars, minLength: 100, maxLength: 128 }) },
  { weight: 1, arbitrary: fc.string({ unit: idChars, minLength: 129, maxLength: 140 }) },
  { weight: 1, arbitrary: fc.oneof(urlText, fc.constant('')) },
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const nest = (n: number): unknown => (n === 0 ? 1 : [nest(n - 1)]);
const metadataArb = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.string({ maxLength: 20 }), jsonValue, { maxKeys: 5 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.string({ minLength: 125, maxLength: 135 }), fc.integer(), {
      minKeys: 1,
      maxKeys: 2,
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 98, max: 102 })
      .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 55, max: 300 }).map((n) => ({ deep: nest(n) })) },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 'x', 1, true, [{ a: 1 }]) },
);
const MIN_DATE = new Date('0001-01-01T00:00:00Z');
/**
 * Not 9999: QueryService binds keyset and range times as microseconds in a JS number, exact only up to 2^53
 * (and, for whole milliseconds, 2^56 µs: 4253-05-31). Later messages are accepted, stored and read by id,
 * but a cursor or `around` at such a time is off by a few µs and shows a message twice (reported, not fixed
 * here: src/query/query-service.ts).
 */
const MAX_DATE = new Date('4200-12-31T23:59:59.999Z');
const timeArb = fc
  .oneof(
    { weight: 4, arbitrary: fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }) },
    {
      weight: 3,
      arbitrary: fc.date({
        min: new Date('2025-01-01T00:00:00Z'),
        max: new Date('2027-01-01T00:00:00Z'),
        noInvalidDate: true,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '2016-12-31T23:59:60Z',
        '2020-02-30T00:00:00Z',
        '2021-02-29T00:00:00Z',
        '2024-02-29T12:00:00+08:00',
        'not a time',
        '',
        '2020-01-01',
        '2020-01-01T00:00:00',
        '2020-01-01t00:00:00z',
        '2020-01-01 00:00:00Z',
        '2020-01-01T00:00:00.123456789Z',
        '2020-13-01T00:00:00Z',
        '2020-01-01T24:00:00Z',
        '2020-01-01T00:00:00+05',
        '2020-01-01T00:00:00+0530',
        '1970-01-01T00:00:00+24:00',
        '+275760-09-13T00:00:00Z',
        '4200-12-31T23:59:59.999-23:59',
        '0000-01-01T00:30:00+01:00',
        '0000-01-01T00:00:00Z',
        '1969-12-31T23:59:59.999Z',
      ),
    },
  )
  .map((t) => (t instanceof Date ? t.toISOString() : t));

/** A wrong-typed value for a field. */
const wrongType = fc.constantFrom<unknown>(null, 42, -0, true, [], ['x'], {}, { a: 1 }, 1.5, 'x'.repeat(300));

/** Takes a generated object and sometimes breaks it: an extra key, a field of the wrong type, a missing one. */
function mutated(base: fc.Arbitrary<Record<string, unknown>>, fields: readonly string[]) {
  return fc
    .tuple(base, fc.nat(9), fc.constantFrom(...fields, 'extra', '__proto__', 'constructor'), wrongType)
    .map(([o, how, field, value]) => {
      const copy: Record<string, unknown> = { ...o };
      if (how === 0) Object.defineProperty(copy, field, { value, enumerable: true, writable: true });
      else if (how === 1) delete copy[field];
      return copy;
    });
}

/** A request body as sent: JSON text mostly, sometimes not JSON at all. */
function bodyText(obj: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { weight: 12, arbitrary: obj.map((o) => JSON.stringify(o) ?? 'null') },
    { weight: 1, arbitrary: fc.json() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":1}}',
        'null',
        '[]',
        '"text"',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
        `{"senderId":"alice","metadata":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
        `{"type":"group","metadata":{"x":${'{"a":'.repeat(70)}1${'}'.repeat(70)}}}`,
        '\u0000',
        '{"senderId":"alice","text":"\\ud800"}',
      ),
    },
  );
}

type Encoding = 'plain' | 'double' | 'broken';
const encodingArb = fc.constantFrom<Encoding>('plain', 'plain', 'plain', 'double', 'broken');
/** A path segment for `s`, and what the router hands the route (null: the URL itself is malformed). */
function segment(s: string, how: Encoding): { seg: string; decoded: string | null } {
  // "." and ".." segments are resolved by the URL parser before any server sees them: no decoded id.
  if (s === '.' || s === '..') return { seg: s, decoded: null };
  if (how === 'plain') return { seg: encodeURIComponent(s), decoded: s };
  if (how === 'double')
    return { seg: encodeURIComponent(encodeURIComponent(s)), decoded: encodeURIComponent(s) };
  return { seg: `${encodeURIComponent(s)}%E0%A4%`, decoded: null };
}

// ---------------------------------------------------------------- the model

interface ConvModel {
  id: string;
  type: 'direct' | 'group';
  participants: Map<string, string>;
  metadata: Record<string, unknown>;
}
interface MsgModel {
  view: Json;
  /** The fields a repeated post with the same id must match (sentAt only when the client gave one). */
  original: Json;
  deleted: boolean;
  edits: number;
  /** Messages of this conversation are never edited or deleted (the page oracle relies on it). */
  frozen: boolean;
}

describe('fuzz: bad input on every route', () => {
  const dir = tempDir();
  let service: Service;
  const tokens = { admin: '', read: '', write: '', revoked: '' };
  const tokenIds = { admin: 0, read: 0, write: 0, revoked: 0, spare: 0 };
  const convs = new Map<string, ConvModel>();
  const msgs = new Map<string, MsgModel>();
  /** (conversation, key) → the body hash and the stored response. */
  const keys = new Map<string, { hash: string; status: number; body: Json }>();
  const attachments = new Map<string, { bytes: Buffer; mime: string }>();
  /** Conversations that exist but whose content the model does not follow (the webhook's, auth-target). */
  const wechatConvs = new Set<string>();
  /** Envelopes the webhook stored (checked one by one now and then, and all of them at the end). */
  const webhookStored: { msgId: string; body: string; from: string; content: string }[] = [];
  const opaque = (id: string) => wechatConvs.has(id) || id === 'chatlake:auth-target';
  let cases = 0;
  const propertySeed = (n: number) => (SEED + n * 7919) % 2 ** 31;
  const params = (n: number, numRuns: number) => ({ seed: propertySeed(n), numRuns, endOnFailure: true });

  const send = async (r: Req): Promise<Reply> => {
    const res = await service.app.inject({
      method: r.method,
      url: r.url,
      headers: r.headers,
      payload: r.payload,
    });
    let json: Json;
    try {
      json = res.body ? JSON.parse(res.body) : null;
    } catch {
      json = undefined;
    }
    const reply: Reply = {
      status: res.statusCode,
      text: res.body,
      raw: res.rawPayload,
      json,
      headers: res.headers,
    };
    const where = `${r.method} ${r.url.slice(0, 300)} → ${reply.status} ${reply.text.slice(0, 400)}`;
    if (reply.status >= 500) throw new Error(`5xx: ${where}`);
    expect(reply.headers['x-request-id'], where).toEqual(expect.any(String));
    if (reply.status >= 400 && r.method !== 'HEAD') {
      expect(String(reply.headers['content-type']), where).toMatch(/^application\/json/);
      expect(isObj(json) && Object.keys(json), where).toEqual(['error']);
      expect(typeof json.error.code, where).toBe('string');
      expect(typeof json.error.message, where).toBe('string');
      expect(
        Object.keys(json.error).every((k) => ['code', 'message', 'hint'].includes(k)),
        where,
      ).toBe(true);
      expect(json.error.code, where).not.toBe('internal');
      expect(reply.text, where).not.toMatch(/node_modules\/|\((?:file:\/\/)?\/[^)]*:\d+:\d+\)|"stack"/);
    }
    return reply;
  };
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const json = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({
    ...auth(token),
    'content-type': 'application/json',
    ...extra,
  });
  const get = (url: string, token = tokens.read) => send({ method: 'GET', url, headers: auth(token) });
  const expectStatus = (r: Reply, want: number | number[], why: string) => {
    const ok = Array.isArray(want) ? want.includes(r.status) : r.status === want;
    if (!ok)
      throw new Error(`${why}: expected ${JSON.stringify(want)}, got ${r.status} ${r.text.slice(0, 500)}`);
  };

  /** Every message of a conversation through the cursor, newest first. */
  const walk = async (conv: string, limit = 97): Promise<Json[]> => {
    const all: Json[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(
        `/api/v1/conversations/${encodeURIComponent(conv)}/messages?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expectStatus(r, 200, `walk ${conv}`);
      all.push(...r.json.messages);
      cursor = r.json.nextCursor;
    } while (cursor);
    return all;
  };
  const newestFirst = (a: Json, b: Json) =>
    a.sentAt === b.sentAt ? compareBytes(b.id, a.id) : Date.parse(b.sentAt) - Date.parse(a.sentAt);
  const compareBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

  const modelMessages = (conv: string) =>
    [...msgs.values()].filter((m) => m.view.conversationId === conv && !m.deleted).map((m) => m.view);

  beforeAll(async () => {
    console.log(
      `fuzz seed ${SEED} (replay: CHATLAKE_FUZZ_SEED=${SEED} npx vitest run test/http/fuzz.test.ts)`,
    );
    service = await openService(
      { dataDir: dir.path },
      {},
      resolveServiceConfig(
        {
          logLevel: 'error',
          webhookSecret: SECRET,
          bodyLimitBytes: BODY_LIMIT,
          attachmentMaxBytes: ATTACHMENT_MAX,
          // Small hot tier: compactions run in the background all through the fuzz.
          hotMaxRows: 150,
          compactCheckSeconds: 0.2,
          hotMaxAgeSeconds: 3600,
        },
        {},
      ),
    );
    const t = service.context.tokens;
    tokens.admin = service.firstAdminToken!;
    tokenIds.admin = (await service.context.lake.catalog.tokens())[0]!.id;
    for (const scope of ['read', 'write'] as const) {
      const made = await t.create(`fuzz-${scope}`, scope, 'test');
      tokens[scope] = made.token;
      tokenIds[scope] = made.id;
    }
    const revoked = await t.create('fuzz-revoked', 'admin', 'test');
    await t.revoke(revoked.id, 'test');
    tokens.revoked = revoked.token;
    tokenIds.revoked = revoked.id;
    tokenIds.spare = (await t.create('fuzz-spare', 'read', 'test')).id;
    // The conversations messages go to: with participants, without (anyone may post), direct.
    for (const [id, type, participants] of [
      ['team', 'group', ['alice', 'bob', 'carol']],
      ['open', 'group', []],
      ['pair', 'direct', ['alice', 'bob']],
      ['pages', 'group', []],
      ['auth-target', 'group', ['alice']],
    ] as const) {
      const r = await send({
        method: 'POST',
        url: '/api/v1/conversations',
        headers: json(tokens.write),
        payload: JSON.stringify({ id, type, participants: participants.map((p) => ({ id: p })) }),
      });
      expectStatus(r, 201, 'set-up conversation');
      if (id === 'auth-target') continue; // the auth property adds and removes its members
      convs.set(`chatlake:${id}`, {
        id: `chatlake:${id}`,
        type,
        participants: new Map(participants.map((p) => [p, 'member'])),
        metadata: {},
      });
    }
    // A conversation whose pages the list property predicts: never edited or deleted, equal times included.
    const base = Date.parse('2026-01-20T00:00:00Z');
    const seeded = await Promise.all(
      Array.from({ length: 240 }, (_, i) => {
        const sentAt =
          i < 4
            ? [
                '0001-01-01T00:00:00.000Z',
                '1969-12-31T23:59:59.999Z',
                '4200-12-31T23:59:59.999Z',
                '2000-02-29T00:00:00.000Z',
              ][i]!
            : new Date(base + Math.floor(i / 3) * 60_000).toISOString();
        return send({
          method: 'POST',
          url: '/api/v1/conversations/chatlake:pages/messages',
          headers: json(tokens.write),
          payload: JSON.stringify({
            id: `p-${String(i).padStart(3, '0')}`,
            senderId: `s${i % 5}`,
            text: `page ${i}`,
            sentAt,
          }),
        });
      }),
    );
    for (const r of seeded) {
      expectStatus(r, 201, 'seed');
      msgs.set(r.json.id, { view: r.json, original: r.json, deleted: false, edits: 0, frozen: true });
    }
  });
  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  // ---------------------------------------------------------------- authorization

  it('refuses requests without a valid token (401) or scope (403) on every protected route, changing nothing', async () => {
    const routes: {
      method: Method;
      url: string;
      scope: 'read' | 'write' | 'admin' | null;
      body?: unknown;
      ct?: string;
    }[] = [
      { method: 'GET', url: '/api/v1/conversations', scope: 'read' },
      {
        method: 'POST',
        url: '/api/v1/conversations',
        scope: 'write',
        body: { type: 'group', id: 'auth-{u}' },
      },
      { method: 'GET', url: '/api/v1/conversations/chatlake:auth-target', scope: 'read' },
      {
        method: 'PATCH',
        url: '/api/v1/conversations/chatlake:auth-target',
        scope: 'write',
        body: { metadata: { x: '{u}' } },
      },
      { method: 'GET', url: '/api/v1/conversations/chatlake:auth-target/participants', scope: 'read' },
      {
        method: 'POST',
        url: '/api/v1/conversations/chatlake:auth-target/participants',
        scope: 'write',
        body: { id: 'zed-{u}' },
      },
      {
        method: 'DELETE',
        url: '/api/v1/conversations/chatlake:auth-target/participants/alice',
        scope: 'write',
      },
      {
        method: 'POST',
        url: '/api/v1/conversations/chatlake:auth-target/messages',
        scope: 'write',
        body: { senderId: 'alice', text: 'auth {u}' },
      },
      { method: 'GET', url: '/api/v1/conversations/chatlake:auth-target/messages', scope: 'read' },
      { method: 'GET', url: '/api/v1/messages/chatlake:p-000', scope: 'read' },
      { method: 'GET', url: '/api/v1/messages/chatlake:p-000/history', scope: 'read' },
      { method: 'PATCH', url: '/api/v1/messages/chatlake:nope', scope: 'write', body: { text: 'x' } },
      { method: 'DELETE', url: '/api/v1/messages/chatlake:nope', scope: 'write' },
      { method: 'POST', url: '/api/v1/messages/chatlake:nope/restore', scope: 'write' },
      {
        method: 'PUT',
        url: '/api/v1/messages/chatlake:nope/ack',
        scope: 'write',
        body: { participantId: 'alice', state: 'read' },
      },
      { method: 'POST', url: '/api/v1/attachments', scope: 'write', ct: 'text/plain' },
      { method: 'GET', url: `/api/v1/attachments/${'0'.repeat(64)}`, scope: 'read' },
      { method: 'GET', url: '/api/v1/query?limit=1', scope: 'read' },
      { method: 'GET', url: '/api/v1/export?format=csv&columns=message_id', scope: 'read' },
      { method: 'POST', url: '/api/v1/tokens', scope: 'admin', body: { name: 'sneaky-{u}', scope: 'admin' } },
      { method: 'GET', url: '/api/v1/tokens', scope: 'admin' },
      { method: 'DELETE', url: '/api/v1/tokens/{spare}', scope: 'admin' },
      { method: 'GET', url: '/api/v1/audit/verify', scope: 'admin' },
      { method: 'GET', url: '/metrics', scope: 'read' },
      { method: 'GET', url: '/openapi.json', scope: 'read' },
      { method: 'GET', url: '/health', scope: null },
      { method: 'GET', url: '/ready', scope: null },
    ];
    const kinds = [
      'none',
      'garbage',
      'bearer-garbage',
      'basic',
      'scheme',
      'tampered',
      'revoked',
      'two-tokens',
      'empty-bearer',
      'read',
      'write',
      'admin',
    ] as const;
    const rank = { read: 0, write: 1, admin: 2 } as const;
    const cat = service.context.lake.catalog;
    const fingerprint = async () => {
      const [audit, all, conv, members] = await Promise.all([
        cat.auditLog(),
        cat.tokens(),
        cat.conversation('chatlake', 'auth-target'),
        cat.participants('chatlake', 'auth-target'),
      ]);
      await service.context.hot.settle();
      return JSON.stringify([
        audit.length,
        all.map((t) => [t.id, t.revokedAt === null]),
        conv?.messageCount,
        conv?.metadata,
        members.map((m) => m.participantId),
        (await cat.conversation('chatlake', 'auth-target'))?.messageCount,
      ]);
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom(...kinds),
        fc.string({ maxLength: 60 }),
        fc.nat(),
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Bearer  '),
        async (route, kind, noise, n, scheme) => {
          cases++;
          const valid = kind === 'read' || kind === 'write' || kind === 'admin';
          const secret = valid ? tokens[kind] : tokens.admin;
          const tampered = (() => {
            const i = 4 + (n % (secret.length - 4));
            const c = secret[i] === 'A' ? 'B' : 'A';
            return [secret.slice(0, i) + c + secret.slice(i + 1), `${secret}x`, secret.slice(0, -1)][n % 3]!;
          })();
          const header: Record<string, string | undefined> = {
            none: undefined,
            garbage: noise,
            'bearer-garbage': `Bearer ${noise.replace(/\s/g, '') || 'x'}`,
            basic: `Basic ${Buffer.from(`admin:${secret}`).toString('base64')}`,
            scheme: `Token ${secret}`,
            tampered: `Bearer ${tampered}`,
            revoked: `Bearer ${tokens.revoked}`,
            'two-tokens': `Bearer ${tokens.admin} ${tokens.read}`,
            'empty-bearer': 'Bearer ',
            read: `${scheme} ${secret}`,
            write: `${scheme} ${secret}`,
            admin: `${scheme} ${secret}`,
          };
          const sufficient = route.scope === null || (valid && rank[kind] >= rank[route.scope]);
          // Refused requests are the harmful ones (unique bodies, a live token to revoke, a member to remove), so
          // that a request which got through would show in the fingerprint; allowed ones are harmless.
          const u = randomBytes(6).toString('hex');
          const url = sufficient
            ? route.url.replace('{spare}', '999999').replace('/participants/alice', '/participants/nobody')
            : route.url.replace('{spare}', String(tokenIds.spare));
          const headers: Record<string, string> = {};
          if (header[kind] !== undefined) headers.authorization = header[kind]!;
          if (route.body !== undefined) headers['content-type'] = 'application/json';
          if (route.ct) headers['content-type'] = route.ct;
          const before = sufficient || route.method === 'GET' ? null : await fingerprint();
          const upload = `refused upload ${u}`;
          const r = await send({
            method: route.method,
            url,
            headers,
            payload:
              route.body !== undefined
                ? JSON.stringify(route.body).replaceAll('{u}', u)
                : route.ct
                  ? upload
                  : undefined,
          });
          if (sufficient) {
            expect([401, 403], `${kind} on ${route.method} ${route.url}`).not.toContain(r.status);
            return;
          }
          const want = valid ? 403 : 401;
          expectStatus(r, want, `${kind} on ${route.method} ${route.url}`);
          expect(r.json.error.code).toBe(want === 401 ? 'unauthorized' : 'forbidden');
          expect(r.text).not.toContain(secret);
          if (before !== null)
            expect(await fingerprint(), `${kind} ${route.method} ${route.url}`).toBe(before);
          if (route.ct) {
            const sha = createHash('sha256').update(upload).digest('hex');
            expectStatus(
              await get(`/api/v1/attachments/${sha}`, tokens.admin),
              404,
              'refused upload not stored',
            );
          }
        },
      ),
      params(1, 1500),
    );
  });

  // ---------------------------------------------------------------- webhook

  it('webhook: any body, content type and secret → 200 (stored or quarantined), 401 or 413, never more', async () => {
    let next = 8_100_000_000_000_000_000n;
    const sent = webhookStored;
    const envelope = fc.record({
      from: fc.oneof(
        fc.constantFrom('wxid_fuzz_a', 'wxid_fuzz_b'),
        fc.stringMatching(/^wxid_[a-z0-9]{1,8}$/),
      ),
      content: fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })),
      time: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
    });
    const bodyKind = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(
          fc.constant('envelope' as const),
          envelope,
          fc.constantFrom('json', 'payload', 'json-field', 'body-field', 'flat'),
        ),
      },
      { weight: 1, arbitrary: fc.tuple(fc.constant('replay' as const), fc.nat(), fc.constant('json')) },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constant('random-envelope' as const),
          fc.record(
            {
              guid: jsonValue,
              notify_type: fc.oneof(
                fc.constantFrom(1010, 1011, 1200, 1201, 1202, 3000, '1010', -1, 1e300),
                jsonValue,
              ),
              data: fc.oneof(
                fc.record(
                  {
                    msg_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null), jsonValue),
                    create_time: fc.oneof(
                      fc.integer(),
                      fc.double(),
                      fc.string(),
                      fc.constantFrom(1e300, -1e15, 0, '1769126400'),
                    ),
                    from_username: fc.oneof(fc.string(), jsonValue),
                    to_username: fc.oneof(fc.string(), jsonValue),
                    chatroom: fc.oneof(fc.constantFrom('', '4800000000@chatroom'), fc.string(), jsonValue),
                    chatroom_sender: fc.oneof(fc.string(), jsonValue),
                    msg_type: fc.oneof(
                      fc.constantFrom(1, 3, 34, 43, 47, 48, 49, 10000, 10002),
                      fc.integer(),
                      jsonValue,
                    ),
                    is_chatroom_msg: fc.oneof(fc.constantFrom(0, 1, '1'), jsonValue),
                    content: fc.oneof(
                      fc.string(),
                      fc.constantFrom(
                        'wxid_x:\nhello',
                        '<msg><appmsg><title>t</title><type>57</type><refermsg><svrid>1</svrid><content>q</content></refermsg></appmsg></msg>',
                        '<sysmsg type="revokemsg"><revokemsg><newmsgid>8100000000000000001</newmsgid></revokemsg></sysmsg>',
                        '<msg><img length="1"/></msg>',
                        '<msg><appmsg><type>2000</type><wcpayinfo><feedesc>¥1</feedesc></wcpayinfo></appmsg></msg>',
                        '<<<>>>&amp;&#x0;&#99999999;',
                      ),
                      jsonValue,
                    ),
                  },
                  { requiredKeys: [] },
                ),
                jsonValue,
              ),
            },
            { requiredKeys: [] },
          ),
          fc.constantFrom('json', 'payload', 'flat'),
        ),
      },
      { weight: 1, arbitrary: fc.tuple(fc.constant('json-value' as const), fc.json(), fc.constant('json')) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('text' as const), fc.string({ maxLength: 200 }), fc.constant('json')),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('bytes' as const),
          fc.uint8Array({ maxLength: 300 }),
          fc.constant('json'),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('form-garbage' as const),
          fc.constantFrom(
            'payload=%7B',
            'data=%7B%22msg_id%22%3A1%7D&notify_type=abc',
            'notify_type=1010&guid=g',
            '__proto__=x&data=1',
            '%%%=%%%',
            'a=1&a=2&payload=&json=null',
          ),
          fc.constant('json'),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('oversize' as const),
          fc.integer({ min: 1, max: 4096 }),
          fc.constant('json'),
        ),
      },
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
      'APPLICATION/JSON',
      'text/html; charset=latin1',
      'application/x-www-form-urlencoded; charset=utf-8',
      '',
      'x',
      ';;;',
      null,
    );
    const secretMode = fc.constantFrom(
      'path',
      'header',
      'both',
      'path-wrong',
      'header-wrong',
      'none',
      'path-ok-header-wrong',
      'path-encoded',
    );
    await fc.assert(
      fc.asyncProperty(
        bodyKind,
        contentType,
        secretMode,
        fc.string({ maxLength: 20 }),
        async ([kind, value, shape], ct, secret, wrong) => {
          cases++;
          let payload: string | Buffer;
          let expectStored: { msgId: string; from: string; content: string } | null = null;
          let replayOf: { msgId: string } | null = null;
          const wrap = (obj: unknown, how: string): { text: string; form: boolean } => {
            const text = JSON.stringify(obj);
            if (how === 'json') return { text, form: false };
            if (how === 'payload') return { text: `payload=${encodeURIComponent(text)}`, form: true };
            if (how === 'json-field') return { text: `json=${encodeURIComponent(text)}`, form: true };
            if (how === 'body-field') return { text: `body=${encodeURIComponent(text)}`, form: true };
            const o = isObj(obj) ? obj : {};
            const form = new URLSearchParams();
            // Generated values include objects whose "toString" is no function: String() would throw.
            const field = (v: unknown) =>
              typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
            if (o.guid !== undefined) form.set('guid', field(o.guid));
            if (o.notify_type !== undefined) form.set('notify_type', field(o.notify_type));
            form.set('data', JSON.stringify(o.data ?? null) ?? 'null');
            return { text: form.toString(), form: true };
          };
          const formCt = typeof ct === 'string' && ct.includes('form');
          if (kind === 'envelope') {
            const e = value as { from: string; content: string; time: number };
            const msgId = String(next++);
            const obj = {
              guid: 'fuzz-bot',
              notify_type: 1010,
              data: {
                from_username: e.from,
                to_username: 'wxid_bot',
                chatroom: '',
                chatroom_sender: '',
                msg_id: msgId,
                msg_type: 1,
                create_time: e.time,
                is_chatroom_msg: 0,
                content: e.content,
                desc: '',
                source: 1,
              },
            };
            const w = wrap(obj, shape);
            payload = w.text;
            if (!w.form || formCt) expectStored = { msgId, from: e.from, content: e.content };
          } else if (kind === 'replay') {
            const prior = sent[(value as number) % Math.max(1, sent.length)];
            payload = prior ? prior.body : '{}';
            if (prior?.body.startsWith('{')) replayOf = prior;
          } else if (kind === 'random-envelope') payload = wrap(value, shape).text;
          else if (kind === 'json-value' || kind === 'text' || kind === 'form-garbage')
            payload = value as string;
          else if (kind === 'bytes') payload = Buffer.from(value as Uint8Array);
          else payload = Buffer.alloc(BODY_LIMIT + (value as number), 'x');
          const headers: Record<string, string> = {};
          if (ct !== null) headers['content-type'] = ct;
          let path = '/webhook/wechat';
          const good = !['path-wrong', 'header-wrong', 'none'].includes(secret);
          if (secret === 'path' || secret === 'both' || secret === 'path-ok-header-wrong')
            path += `/${SECRET}`;
          if (secret === 'path-encoded')
            path += `/${[...SECRET].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`;
          if (secret === 'path-wrong') path += `/${encodeURIComponent(wrong || 'nope')}`;
          if (secret === 'header' || secret === 'both') headers['x-webhook-secret'] = SECRET;
          if (secret === 'header-wrong' || secret === 'path-ok-header-wrong')
            headers['x-webhook-secret'] = wrong;
          const r = await send({ method: 'POST', url: path, headers, payload });
          if (kind === 'oversize') {
            expectStatus(r, 413, 'oversize webhook body');
            return;
          }
          if (!good) {
            expectStatus(r, 401, `webhook with secret mode ${secret}`);
            return;
          }
          expectStatus(r, 200, `webhook ${kind}/${shape} as ${ct}`);
          expect(r.json).toMatchObject({ status: 'ok', request_id: r.headers['x-request-id'] });
          if (kind === 'bytes' || kind === 'text' || kind === 'form-garbage') {
            const isJsonObject = (() => {
              try {
                return isObj(JSON.parse(Buffer.from(payload).toString('utf8')));
              } catch {
                return false;
              }
            })();
            if (!isJsonObject && !formCt) expect(r.json.quarantined, 'garbage is quarantined').toBe(true);
          }
          if (replayOf) {
            expect(r.json.quarantined, 'a re-delivery is a duplicate, not quarantined').toBeUndefined();
            expectStatus(await get(`/api/v1/messages/wechat:${replayOf.msgId}`), 200, 're-delivered message');
          }
          if (expectStored) {
            expect(r.json.quarantined, `envelope ${shape} as ${ct} is stored`).toBeUndefined();
            sent.push({ ...expectStored, body: typeof payload === 'string' ? payload : '' });
            wechatConvs.add(`wechat:${expectStored.from}`);
            if (sent.length % 3 !== 0) return;
            const stored = await get(`/api/v1/messages/wechat:${expectStored.msgId}`);
            expectStatus(stored, 200, 'stored webhook message is readable');
            expect(stored.json).toMatchObject({
              conversationId: `wechat:${expectStored.from}`,
              senderId: expectStored.from,
              content: expectStored.content,
            });
          }
        },
      ),
      params(2, 900),
    );
  });

  // ---------------------------------------------------------------- conversations and participants

  it('conversations: create/get/list/update/participants accept exactly the valid requests, and keep them', async () => {
    const participantArb = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record(
          {
            id: fc.oneof(fc.constantFrom('alice', 'bob', 'carol'), anyText),
            role: fc.option(fc.oneof(fc.constantFrom('owner', 'admin', 'member'), anyText), {
              nil: undefined,
            }),
          },
          { requiredKeys: ['id'] },
        ),
      },
      {
        weight: 1,
        arbitrary: mutated(fc.record({ id: fc.constant('dora'), role: fc.constant('member') }), [
          'id',
          'role',
        ]),
      },
      { weight: 1, arbitrary: wrongType },
    );
    const createBody = mutated(
      fc.record(
        {
          id: apiId,
          type: fc.oneof(fc.constantFrom('direct', 'group'), fc.constantFrom('channel', 'GROUP', '')),
          participants: fc.oneof(
            { weight: 8, arbitrary: fc.array(participantArb, { maxLength: 4 }) },
            { weight: 1, arbitrary: fc.constant(Array.from({ length: 1001 }, (_, i) => ({ id: `u${i}` }))) },
          ),
          metadata: metadataArb,
        },
        { requiredKeys: ['type'] },
      ),
      ['id', 'type', 'participants', 'metadata'],
    );
    const knownConv = () => [...convs.keys()];
    const action = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.tuple(
          fc.constant('create' as const),
          bodyText(createBody),
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded',
          ),
        ),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constant('get' as const), fc.oneof(fc.nat(), urlText), encodingArb),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constant('patch' as const),
          fc.oneof(fc.nat(), urlText),
          bodyText(mutated(fc.record({ metadata: metadataArb }), ['metadata'])),
        ),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constant('add' as const),
          fc.oneof(fc.nat(), urlText),
          bodyText(participantArb),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('remove' as const),
          fc.oneof(fc.nat(), urlText),
          fc.oneof(fc.constantFrom('alice', 'bob', 'carol', 'zed'), urlText),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('members' as const), fc.oneof(fc.nat(), urlText), encodingArb),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constant('list' as const),
          fc.record(
            {
              limit: fc.oneof(
                fc.integer({ min: 1, max: 500 }).map(String),
                fc.constantFrom('0', '501', '-1', '1.5', 'abc', '', '9'.repeat(30)),
              ),
              platform: fc.oneof(
                fc.constantFrom('chatlake', 'wechat', 'nope'),
                fc.constantFrom('Chatlake', '1x', '', 'a'.repeat(33)),
              ),
              type: fc.constantFrom('direct', 'group', 'channel', ''),
              cursor: fc.constantFrom('valid', 'tampered', 'other', 'random'),
              extra: fc.constant('1'),
            },
            { requiredKeys: [] },
          ),
          fc.nat(),
        ),
      },
    );
    const convTarget = (pick: number | string): string =>
      typeof pick === 'number' ? (knownConv()[pick % knownConv().length] ?? 'chatlake:team') : pick;
    await fc.assert(
      fc.asyncProperty(action, async ([kind, a, b]) => {
        cases++;
        if (kind === 'create') {
          const text = a as string;
          const ct = b as string;
          const r = await send({
            method: 'POST',
            url: '/api/v1/conversations',
            headers: json(tokens.write, { 'content-type': ct }),
            payload: text,
          });
          let body: unknown;
          let parsed = true;
          try {
            body = JSON.parse(text);
          } catch {
            parsed = false;
          }
          if (!ct.startsWith('application/json')) {
            // Not JSON: text/plain gives a string, a form gives flat strings; neither is a valid create.
            expectStatus(r, [400, 415], `create as ${ct}`);
            return;
          }
          if (!parsed || badBody(body)) {
            expectStatus(r, 400, 'create with an invalid body');
            return;
          }
          const o = body as Record<string, unknown>;
          const ps = o.participants;
          const valid =
            onlyKeys(o, ['id', 'type', 'participants', 'metadata']) &&
            (o.type === 'direct' || o.type === 'group') &&
            (o.id === undefined || (typeof o.id === 'string' && ID_PATTERN.test(o.id))) &&
            (ps === undefined ||
              (Array.isArray(ps) &&
                ps.length <= 1000 &&
                ps.every(
                  (p) =>
                    isObj(p) &&
                    onlyKeys(p, ['id', 'role']) &&
                    isStr(p.id, 1, 256) &&
                    (p.role === undefined || isStr(p.role, 1, 32)),
                ))) &&
            (o.metadata === undefined || validMetadata(o.metadata));
          if (!valid) {
            expectStatus(r, 400, `create ${text.slice(0, 200)}`);
            return;
          }
          const list = (ps ?? []) as { id: string; role?: string }[];
          if (o.type === 'direct' && list.length > 2) {
            expectStatus(r, 422, 'direct conversation with more than 2 participants');
            return;
          }
          if (o.id !== undefined && convs.has(`chatlake:${o.id}`)) {
            expectStatus(r, 409, 'create an existing id');
            return;
          }
          expectStatus(r, 201, `create ${text.slice(0, 200)}`);
          const id = r.json.id as string;
          expect(id).toEqual(o.id === undefined ? expect.stringMatching(/^chatlake:c_/) : `chatlake:${o.id}`);
          const participants = new Map<string, string>();
          for (const p of list) participants.set(p.id, p.role ?? 'member');
          const metadata = JSON.parse(JSON.stringify(o.metadata ?? {}));
          convs.set(id, { id, type: o.type as 'direct' | 'group', participants, metadata });
          expect(r.json).toMatchObject({ id, type: o.type, metadata, messageCount: 0, platform: 'chatlake' });
          // What was accepted reads back: the conversation and its participants.
          const back = await get(`/api/v1/conversations/${encodeURIComponent(id)}`);
          expectStatus(back, 200, 'created conversation is readable');
          expect(back.json).toEqual(r.json);
          const members = await get(`/api/v1/conversations/${encodeURIComponent(id)}/participants`);
          expect(new Map(members.json.participants.map((p: Json) => [p.id, p.role]))).toEqual(participants);
          return;
        }
        if (kind === 'list') {
          const q = a as Record<string, string>;
          const n = b as number;
          const sp = new URLSearchParams();
          for (const [k, v] of Object.entries(q)) if (k !== 'cursor') sp.set(k, v);
          const limitOk =
            q.limit === undefined ||
            (/^\d+$/.test(q.limit) && Number(q.limit) >= 1 && Number(q.limit) <= 500);
          const valid =
            q.extra === undefined &&
            limitOk &&
            (q.platform === undefined || PLATFORM.test(q.platform)) &&
            (q.type === undefined || q.type === 'direct' || q.type === 'group');
          let cursorOk = true;
          if (q.cursor && valid) {
            const first = await get(`/api/v1/conversations?${sp}`);
            expectStatus(first, 200, 'conversation list');
            const c = first.json.nextCursor as string | null;
            if (q.cursor === 'valid' && c) sp.set('cursor', c);
            else if (q.cursor === 'tampered' && c) {
              const i = n % c.length;
              sp.set('cursor', c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1));
              cursorOk = false;
            } else if (q.cursor === 'other') {
              const other = await get('/api/v1/conversations/chatlake:pages/messages?limit=1');
              sp.set('cursor', other.json.nextCursor);
              cursorOk = false;
            } else if (q.cursor === 'random') {
              sp.set('cursor', `${randomBytes(n % 40).toString('base64url')}.${'é'.repeat(n % 50)}`);
              cursorOk = false;
            }
          }
          const r = await get(`/api/v1/conversations?${sp}`);
          if (!valid || !cursorOk) {
            expectStatus(r, 400, `list ${sp}`);
            return;
          }
          expectStatus(r, 200, `list ${sp}`);
          const page = r.json.conversations as Json[];
          expect(page.length).toBeLessThanOrEqual(Number(q.limit ?? 50));
          for (const c of page) {
            if (q.platform) expect(c.platform).toBe(q.platform);
            if (q.type) expect(c.type).toBe(q.type);
          }
          return;
        }
        const target = convTarget(a as number | string);
        const known = convs.get(target);
        const decodedOk = idOk(target);
        if (kind === 'get' || kind === 'members') {
          const { seg, decoded } = segment(target, b as Encoding);
          const r = await get(`/api/v1/conversations/${seg}${kind === 'members' ? '/participants' : ''}`);
          if (decoded === null) return expectStatus(r, [400, 404], `${kind} ${seg}`);
          if (!idOk(decoded)) return expectStatus(r, 400, `${kind} ${decoded}`);
          const k = convs.get(decoded);
          if (!k && !opaque(decoded)) return expectStatus(r, 404, `${kind} unknown ${decoded}`);
          if (!k) return expectStatus(r, 200, `${kind} ${decoded}`);
          expectStatus(r, 200, `${kind} ${decoded}`);
          if (kind === 'get')
            expect(r.json).toMatchObject({ id: decoded, type: k.type, metadata: k.metadata });
          else expect(new Map(r.json.participants.map((p: Json) => [p.id, p.role]))).toEqual(k.participants);
          return;
        }
        const { seg: targetSeg, decoded: targetDecoded } = segment(target, 'plain');
        if (kind === 'remove') {
          const pid = b as string;
          const { seg: pidSeg, decoded: pidDecoded } = segment(pid, 'plain');
          const r = await send({
            method: 'DELETE',
            url: `/api/v1/conversations/${targetSeg}/participants/${pidSeg}`,
            headers: auth(tokens.write),
          });
          if (targetDecoded === null || pidDecoded === null)
            return expectStatus(r, [400, 404], `remove ${target} ${pid}`);
          if (!isStr(target, 3, 300) || !isStr(pid, 1, 256))
            return expectStatus(r, 400, `remove ${target} ${pid}`);
          if (!decodedOk) return expectStatus(r, 400, `remove ${target} ${pid}`);
          if (!known && !opaque(target)) return expectStatus(r, 404, 'remove from unknown');
          if (!known) return expectStatus(r, [204, 404], 'remove from an unmodelled conversation');
          if (!known.participants.has(pid)) return expectStatus(r, 404, 'remove a non-participant');
          expectStatus(r, 204, 'remove a participant');
          known.participants.delete(pid);
          return;
        }
        const text = b as string;
        const r = await send({
          method: kind === 'patch' ? 'PATCH' : 'POST',
          url: `/api/v1/conversations/${targetSeg}${kind === 'add' ? '/participants' : ''}`,
          headers: json(tokens.write),
          payload: text,
        });
        if (targetDecoded === null) return expectStatus(r, [400, 404], `${kind} ${target}`);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return expectStatus(r, 400, `${kind} with a body that is not JSON`);
        }
        if (!isStr(target, 3, 300)) return expectStatus(r, 400, `${kind} on a bad id`);
        if (badBody(body)) return expectStatus(r, 400, `${kind} ${text.slice(0, 100)}`);
        const o = body as Record<string, unknown>;
        if (kind === 'patch') {
          if (!onlyKeys(o, ['metadata']) || !validMetadata(o.metadata))
            return expectStatus(r, 400, `patch ${text.slice(0, 100)}`);
          if (!decodedOk) return expectStatus(r, 400, 'patch a malformed id');
          if (!known && !opaque(target)) return expectStatus(r, 404, 'patch unknown');
          expectStatus(r, 200, `patch ${target}`);
          if (known) {
            Object.assign(known.metadata, JSON.parse(JSON.stringify(o.metadata)));
            expect(r.json.metadata).toEqual(known.metadata);
            expect((await get(`/api/v1/conversations/${encodeURIComponent(target)}`)).json.metadata).toEqual(
              known.metadata,
            );
          }
          return;
        }
        if (
          !onlyKeys(o, ['id', 'role']) ||
          !isStr(o.id, 1, 256) ||
          !(o.role === undefined || isStr(o.role, 1, 32))
        )
          return expectStatus(r, 400, `add ${text.slice(0, 100)}`);
        if (!decodedOk) return expectStatus(r, 400, 'add to a malformed id');
        if (!known && !opaque(target)) return expectStatus(r, 404, 'add to unknown');
        // A WeChat private chat is direct: its third participant is refused.
        if (!known) return expectStatus(r, [201, 422], 'add to an unmodelled conversation');
        if (known.type === 'direct' && known.participants.size >= 2 && !known.participants.has(o.id))
          return expectStatus(r, 422, 'a third participant of a direct conversation');
        expectStatus(r, 201, `add ${text.slice(0, 100)}`);
        known.participants.set(o.id, (o.role as string | undefined) ?? 'member');
        expect(new Map(r.json.participants.map((p: Json) => [p.id, p.role]))).toEqual(known.participants);
      }),
      params(3, 1500),
    );
  });

  // ---------------------------------------------------------------- posting messages

  it('messages: a post is 201/202 only when valid (schema, participant, mode, key), and what was accepted reads back', async () => {
    const writerScope = (conv: string) => `token:${tokenIds.write}:messages:${conv}`;
    const usedIds = () => [...msgs.keys()].filter((k) => k.startsWith('chatlake:')).map((k) => k.slice(9));
    const msgBody = mutated(
      fc.record(
        {
          id: fc.oneof(
            { weight: 3, arbitrary: apiId },
            {
              weight: 1,
              arbitrary: fc.nat().map((n) => usedIds()[n % Math.max(1, usedIds().length)] ?? 'x'),
            },
          ),
          senderId: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom('alice', 'bob', 'carol', 'dave') },
            { weight: 1, arbitrary: anyText },
          ),
          kind: fc.oneof(fc.constantFrom(...MESSAGE_KINDS), fc.constantFrom('TEXT', 'sticker', '')),
          text: fc.oneof(
            { weight: 20, arbitrary: anyText },
            {
              weight: 1,
              arbitrary: fc.constantFrom('t'.repeat(100_000), 't'.repeat(100_001), 't'.repeat(170_000)),
            },
          ),
          content: fc.oneof(
            { weight: 10, arbitrary: anyText },
            { weight: 1, arbitrary: fc.constant('c'.repeat(500_001)) },
          ),
          replyTo: fc.oneof(
            fc.stringMatching(/^[a-z0-9-]{1,10}$/),
            fc.constantFrom('', 'r'.repeat(257)),
            anyText,
          ),
          metadata: metadataArb,
          sentAt: timeArb,
        },
        { requiredKeys: [] },
      ),
      ['id', 'senderId', 'kind', 'text', 'content', 'replyTo', 'metadata', 'sentAt'],
    );
    const convArb = fc.constantFrom(
      'chatlake:team',
      'chatlake:open',
      'chatlake:pair',
      'chatlake:nope',
      'wechat:wxid_fuzz_a',
      'no-colon',
      'chatlake:..',
    );
    const keyArb = fc.option(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6') },
        {
          weight: 2,
          arbitrary: fc
            .string({ minLength: 1, maxLength: 40 })
            .map((s) => s.trim())
            .filter((s) => s.length > 0),
        },
        { weight: 1, arbitrary: fc.constantFrom('k'.repeat(255), 'k'.repeat(256)) },
      ),
      { nil: undefined },
    );
    const modeArb = fc.option(fc.constantFrom('sync', 'async', 'SYNC', 'later', ''), { nil: undefined });
    const format = fc.constantFrom('json', 'json', 'json', 'json', 'form');
    await fc.assert(
      fc.asyncProperty(
        convArb,
        bodyText(msgBody),
        keyArb,
        modeArb,
        format,
        msgBody,
        async (conv, text, key, mode, how, formObj) => {
          cases++;
          const headers = json(tokens.write);
          if (key !== undefined) headers['idempotency-key'] = key;
          if (mode !== undefined) headers['x-write-mode'] = mode;
          let payload = text;
          let body: unknown;
          let parseOk = true;
          if (how === 'form') {
            // A form body carries flat strings only; the model reads it back the way a form parser does.
            const flat = Object.entries(formObj).filter(([, v]) => typeof v === 'string') as [
              string,
              string,
            ][];
            payload = new URLSearchParams(flat).toString();
            headers['content-type'] = 'application/x-www-form-urlencoded';
            body = Object.fromEntries(new URLSearchParams(payload));
          } else {
            try {
              body = JSON.parse(text);
            } catch {
              parseOk = false;
            }
          }
          const r = await send({
            method: 'POST',
            url: `/api/v1/conversations/${encodeURIComponent(conv)}/messages`,
            headers,
            payload,
          });
          const where = `post to ${conv} [key ${key}, mode ${mode}, ${how}] ${payload.slice(0, 300)}`;
          if (Buffer.byteLength(payload) > BODY_LIMIT) return expectStatus(r, 413, 'body over the limit');
          if (!parseOk || badBody(body)) return expectStatus(r, 400, where);
          const o = body as Record<string, unknown>;
          const schemaOk =
            onlyKeys(o, ['id', 'senderId', 'kind', 'text', 'content', 'replyTo', 'metadata', 'sentAt']) &&
            (o.id === undefined || (typeof o.id === 'string' && ID_PATTERN.test(o.id))) &&
            isStr(o.senderId, 1, 256) &&
            (o.kind === undefined || (API_KINDS as readonly unknown[]).includes(o.kind)) &&
            (o.text === undefined || isStr(o.text, 0, 100_000)) &&
            (o.content === undefined || isStr(o.content, 0, 500_000)) &&
            (o.replyTo === undefined || isStr(o.replyTo, 1, 256)) &&
            (o.metadata === undefined || validMetadata(o.metadata)) &&
            (o.sentAt === undefined || typeof o.sentAt === 'string');
          const headersOk =
            (key === undefined || (key.length >= 1 && key.length <= 255)) &&
            (mode === undefined || mode === 'sync' || mode === 'async');
          if (!isStr(conv, 3, 300) || !schemaOk || !headersOk) return expectStatus(r, 400, where);
          const time = o.sentAt === undefined ? 'ok' : timeVerdict(o.sentAt as string);
          if (time === 'bad') return expectStatus(r, 400, `${where}: sentAt`);
          if (time === 'either' && r.status === 400) return;
          if (!idOk(conv)) return expectStatus(r, 400, where);
          const hash = JSON.stringify(o);
          const slot = `${conv}\u0000${key}`;
          const prior = key === undefined ? undefined : keys.get(slot);
          if (prior) {
            if (prior.hash !== hash) return expectStatus(r, 422, `${where}: key reused with another body`);
            expectStatus(r, prior.status, `${where}: replay`);
            expect(r.headers['idempotent-replayed']).toBe('true');
            expect(r.json).toEqual(prior.body);
            return;
          }
          const c = convs.get(conv);
          if (!c && !wechatConvs.has(conv)) return expectStatus(r, 404, where);
          if (!c) return expectStatus(r, 422, `${where}: platform conversations are read-only`);
          if (c.participants.size > 0 && !c.participants.has(o.senderId as string))
            return expectStatus(r, 422, `${where}: not a participant`);
          const messageId =
            (o.id as string | undefined) ??
            (key !== undefined
              ? `m_${createHash('sha256')
                  .update(`${writerScope(conv)}\u0000${key}`)
                  .digest('base64url')
                  .slice(0, 24)}`
              : undefined);
          const original = {
            conversationId: conv,
            senderId: o.senderId,
            kind: o.kind ?? 'text',
            text: o.text ?? null,
            content: o.content ?? o.text ?? null,
            replyTo: o.replyTo === undefined ? null : `chatlake:${o.replyTo}`,
            metadata: o.metadata === undefined ? null : JSON.parse(JSON.stringify(o.metadata)),
          };
          const sentAt =
            o.sentAt === undefined ? undefined : new Date(Date.parse(o.sentAt as string)).toISOString();
          const existing = messageId === undefined ? undefined : msgs.get(`chatlake:${messageId}`);
          if (existing) {
            // The same id again: the same message is a harmless repeat, another one is a conflict.
            const same =
              Object.entries(original).every(
                ([k, v]) => JSON.stringify(existing.original[k]) === JSON.stringify(v),
              ) &&
              (sentAt === undefined || sentAt === existing.view.sentAt);
            if (!same) return expectStatus(r, 409, `${where}: id ${messageId} is another message's`);
          }
          const async = mode === 'async';
          expectStatus(r, async ? 202 : 201, where);
          if (async) {
            expect(r.json).toEqual({ id: expect.stringMatching(/^chatlake:./), status: 'queued' });
            if (messageId !== undefined) expect(r.json.id).toBe(`chatlake:${messageId}`);
            await service.context.hot.settle();
          } else if (existing?.deleted) expect(r.json).toMatchObject({ id: existing.view.id, deleted: true });
          else if (existing) expect(r.json).toEqual(existing.view);
          else {
            expect(r.json).toMatchObject({ ...original, revoked: false, deleted: false, version: 1 });
            if (sentAt !== undefined) expect(r.json.sentAt).toBe(sentAt);
          }
          const id = r.json.id as string;
          if (key !== undefined) keys.set(slot, { hash, status: r.status, body: r.json });
          const back = await get(`/api/v1/messages/${encodeURIComponent(id)}`);
          if (existing?.deleted) return expectStatus(back, 404, 'a deleted message stays deleted');
          expectStatus(back, 200, `accepted message ${id} is readable`);
          if (existing) {
            expect(back.json).toEqual(existing.view);
            return;
          }
          expect(back.json).toMatchObject(original);
          if (sentAt !== undefined) expect(back.json.sentAt).toBe(sentAt);
          if (!async) expect(back.json).toEqual(r.json);
          msgs.set(id, { view: back.json, original, deleted: false, edits: 0, frozen: false });
        },
      ),
      params(4, 1300),
    );
  });

  // ---------------------------------------------------------------- reading pages

  it('message pages: limit/before/after/around/cursor (tampered too) give the right slice or 400', async () => {
    const all = () => modelMessages('chatlake:pages').sort(newestFirst);
    const limitArb = fc.option(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }).map(String) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '500',
            '501',
            '0',
            '-3',
            '2.5',
            'ten',
            '',
            '1e1',
            ' 7',
            '0x10',
            '99999999999999999999',
          ),
        },
      ),
      { nil: undefined },
    );
    const boundArb = fc.option(
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc
            .integer({ min: -3, max: 85 })
            .map((m) => new Date(Date.parse('2026-01-20T00:00:00Z') + m * 60_000).toISOString()),
        },
        { weight: 2, arbitrary: timeArb },
      ),
      { nil: undefined },
    );
    const cursorArb = fc.constantFrom(
      'none',
      'none',
      'valid',
      'tampered',
      'appended',
      'truncated',
      'dotted',
      'other-conv',
      'other-bounds',
      'random',
      'unicode',
      'empty',
    );
    const aroundArb = fc.option(
      fc.oneof(
        fc.nat().map((n) => `p-${String(n % 250).padStart(3, '0')}`),
        urlText,
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        limitArb,
        boundArb,
        boundArb,
        cursorArb,
        aroundArb,
        fc.nat(),
        fc.boolean(),
        async (limit, before, after, cursorKind, around, n, extra) => {
          cases++;
          const base = '/api/v1/conversations/chatlake:pages/messages';
          const qs = (o: Record<string, string | undefined>) => {
            const sp = new URLSearchParams();
            for (const [k, v] of Object.entries(o)) if (v !== undefined) sp.set(k, v);
            return sp.toString();
          };
          // Plain decimal limits are predicted; other spellings ("1e1", " 7") may be read as numbers or refused.
          const plainLimit = limit === undefined || /^\d+$/.test(limit);
          const limitOk = limit === undefined || (plainLimit && Number(limit) >= 1 && Number(limit) <= 500);
          const verdicts = [before, after]
            .filter((b) => b !== undefined)
            .map((b) => timeVerdict(b as string));
          const bounds = verdicts.includes('bad') ? 'bad' : verdicts.includes('either') ? 'either' : 'ok';
          const L = Number(limit ?? 50);
          const inBounds = (m: Json) =>
            (before === undefined || Date.parse(m.sentAt) < Date.parse(before)) &&
            (after === undefined || Date.parse(m.sentAt) > Date.parse(after));
          const expected = all().filter(inBounds);
          if (around !== undefined) {
            const withBefore = extra && before !== undefined;
            const r = await get(
              `${base}?${qs({ limit, around, before: withBefore ? before : undefined, cursor: cursorKind === 'valid' ? 'x.y' : undefined })}`,
            );
            const where = `around ${around} limit ${limit}`;
            if (!plainLimit) return;
            if (!limitOk || !isStr(around, 1, 256) || withBefore || cursorKind === 'valid')
              return expectStatus(r, 400, where);
            const center = msgs.get(`chatlake:${around}`);
            if (center?.view.conversationId !== 'chatlake:pages') return expectStatus(r, 404, where);
            expectStatus(r, 200, where);
            const ids = r.json.messages.map((m: Json) => m.id);
            expect(new Set(ids).size, `${where}: no duplicates`).toBe(ids.length);
            const ordered = all();
            const at = ordered.findIndex((m) => m.id === center.view.id);
            const newer = Math.min(at, Math.floor((L - 1) / 2));
            expect(ids, where).toEqual(ordered.slice(at - newer, at - newer + L).map((m) => m.id));
            return;
          }
          const firstUrl = `${base}?${qs({ limit, before, after })}`;
          const first = await get(firstUrl);
          if (!plainLimit) return;
          if (!limitOk || bounds === 'bad') return expectStatus(first, 400, firstUrl);
          if (bounds === 'either') {
            // Refused, or read as JavaScript reads the time.
            expectStatus(first, [200, 400], firstUrl);
            if (first.status === 400) return;
          }
          expectStatus(first, 200, firstUrl);
          expect(
            first.json.messages.map((m: Json) => m.id),
            firstUrl,
          ).toEqual(expected.slice(0, L).map((m) => m.id));
          const c: string | null = first.json.nextCursor;
          expect(c !== null, `${firstUrl}: a next page iff there are more`).toBe(expected.length > L);
          if (c === null || cursorKind === 'none') return;
          let cursor = c;
          if (cursorKind === 'tampered') {
            const i = n % c.length;
            cursor = c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
          } else if (cursorKind === 'appended') cursor = `${c}x`;
          else if (cursorKind === 'truncated') cursor = c.slice(0, n % c.length);
          else if (cursorKind === 'dotted') cursor = `${c}.${c.split('.')[1]}`;
          else if (cursorKind === 'other-conv')
            cursor = (await get('/api/v1/conversations?limit=1')).json.nextCursor ?? 'x.y';
          else if (cursorKind === 'other-bounds') {
            const other = await get(
              `${base}?${qs({ limit: '1', before: '2026-01-20T01:00:00.000Z', after: after === undefined ? '1970-01-01T00:00:00Z' : undefined })}`,
            );
            cursor = other.json.nextCursor ?? 'x.y';
          } else if (cursorKind === 'random')
            cursor = `${randomBytes(1 + (n % 60)).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
          else if (cursorKind === 'unicode') cursor = `${c.split('.')[0]}.${'é'.repeat(43)}`;
          else if (cursorKind === 'empty') cursor = '';
          const r = await get(`${firstUrl}&cursor=${encodeURIComponent(cursor)}`);
          if (cursorKind === 'valid') {
            expectStatus(r, 200, 'second page');
            expect(
              r.json.messages.map((m: Json) => m.id),
              'second page',
            ).toEqual(expected.slice(L, 2 * L).map((m) => m.id));
            return;
          }
          // Every altered or foreign cursor is refused, never read as some other position.
          expectStatus(r, 400, `cursor ${cursorKind}: ${cursor.slice(0, 120)}`);
          expect(r.json.error.code).toBe('invalid_argument');
        },
      ),
      params(5, 500),
    );
  });

  // ---------------------------------------------------------------- edits, deletes, restores, acks

  it('message ops: get/history/edit/delete/restore/ack on known, unknown and malformed ids', async () => {
    const mutable = () => [...msgs.entries()].filter(([, m]) => !m.frozen);
    const idArb = fc.oneof(
      { weight: 6, arbitrary: fc.nat().map((n) => mutable()[n % mutable().length]?.[0] ?? 'chatlake:x') },
      { weight: 1, arbitrary: fc.nat().map((n) => `chatlake:${n}`) },
      { weight: 1, arbitrary: urlText },
      { weight: 1, arbitrary: urlText.map((s) => `chatlake:${s}`) },
    );
    const editBody = bodyText(
      mutated(
        fc.record({
          text: fc.oneof(
            { weight: 10, arbitrary: anyText },
            { weight: 1, arbitrary: fc.constant('e'.repeat(100_001)) },
          ),
        }),
        ['text'],
      ),
    );
    const ackBody = bodyText(
      mutated(
        fc.record({
          participantId: fc.oneof(fc.constantFrom('alice', 'bob', 'carol', 'mallory'), anyText),
          state: fc.constantFrom('delivered', 'read', 'seen', 'READ'),
        }),
        ['participantId', 'state'],
      ),
    );
    const action = fc.oneof(
      fc.tuple(fc.constant('get' as const), fc.constant('')),
      fc.tuple(fc.constant('history' as const), fc.constant('')),
      fc.tuple(fc.constant('edit' as const), editBody),
      fc.tuple(fc.constant('delete' as const), fc.constant('')),
      fc.tuple(fc.constant('restore' as const), fc.constant('')),
      fc.tuple(fc.constant('ack' as const), ackBody),
    );
    await fc.assert(
      fc.asyncProperty(idArb, encodingArb, action, async (target, how, [kind, text]) => {
        cases++;
        const { seg, decoded } = segment(target, how);
        const m = decoded === null ? undefined : msgs.get(decoded);
        const path = `/api/v1/messages/${seg}`;
        const req: Req =
          kind === 'get'
            ? { method: 'GET', url: path, headers: auth(tokens.read) }
            : kind === 'history'
              ? { method: 'GET', url: `${path}/history`, headers: auth(tokens.read) }
              : kind === 'edit'
                ? { method: 'PATCH', url: path, headers: json(tokens.write), payload: text }
                : kind === 'delete'
                  ? { method: 'DELETE', url: path, headers: auth(tokens.write) }
                  : kind === 'restore'
                    ? { method: 'POST', url: `${path}/restore`, headers: auth(tokens.write) }
                    : { method: 'PUT', url: `${path}/ack`, headers: json(tokens.write), payload: text };
        const r = await send(req);
        const where = `${kind} ${decoded} ${text.slice(0, 120)}`;
        if (decoded === null) return expectStatus(r, [400, 404], where);
        if (!isStr(decoded, 3, 300)) return expectStatus(r, 400, where);
        let body: Json;
        if (kind === 'edit' || kind === 'ack') {
          try {
            body = JSON.parse(text);
          } catch {
            return expectStatus(r, 400, where);
          }
          if (badBody(body)) return expectStatus(r, 400, where);
          const ok =
            kind === 'edit'
              ? onlyKeys(body, ['text']) && isStr(body.text, 0, 100_000)
              : onlyKeys(body, ['participantId', 'state']) &&
                isStr(body.participantId, 1, 256) &&
                (body.state === 'delivered' || body.state === 'read');
          if (!ok) return expectStatus(r, 400, where);
        }
        if (!idOk(decoded)) return expectStatus(r, 400, where);
        if (!m) return expectStatus(r, 404, where);
        if (m.deleted && kind !== 'history' && kind !== 'restore')
          return expectStatus(r, 404, `${where} (deleted)`);
        const conv = convs.get(m.view.conversationId);
        if (kind === 'get') {
          expectStatus(r, 200, where);
          expect(r.json).toEqual(m.view);
        } else if (kind === 'history') {
          expectStatus(r, 200, where);
          expect(r.json.versions.length).toBe(m.edits + 1);
          if (m.edits > 0) expect(r.json.versions.at(-1).text).toBe(m.view.text);
        } else if (kind === 'edit') {
          expectStatus(r, 200, where);
          m.edits++;
          expect(r.json).toMatchObject({
            text: body.text,
            content: body.text,
            version: m.edits + 1,
            editedAt: expect.any(String),
          });
          m.view = r.json;
          expect((await get(`/api/v1/messages/${encodeURIComponent(decoded)}`)).json).toEqual(m.view);
        } else if (kind === 'delete') {
          expectStatus(r, 204, where);
          m.deleted = true;
          expectStatus(await get(`/api/v1/messages/${encodeURIComponent(decoded)}`), 404, 'deleted is gone');
        } else if (kind === 'restore') {
          expectStatus(r, 200, where);
          m.deleted = false;
          expect(r.json).toEqual(m.view);
        } else {
          if (conv && conv.participants.size > 0 && !conv.participants.has(body.participantId))
            return expectStatus(r, 422, `${where}: not a participant`);
          expectStatus(r, 200, where);
          const mine = r.json.acks.find((a: Json) => a.participantId === body.participantId);
          expect(mine?.deliveredAt, where).toEqual(expect.any(String));
          if (body.state === 'read') expect(mine.readAt).toEqual(expect.any(String));
        }
      }),
      params(6, 700),
    );
  });

  // ---------------------------------------------------------------- attachments

  it('attachments: stored iff allowed type and 1..max bytes; read back byte for byte', async () => {
    const allowed = (mime: string) =>
      ['image/', 'audio/', 'video/'].some((p) => mime.startsWith(p)) ||
      ['application/pdf', 'application/octet-stream', 'text/plain'].includes(mime);
    const mimeArb = fc.oneof(
      fc.constantFrom(
        'image/png',
        'image/x-fuzz',
        'audio/ogg',
        'video/mp4',
        'application/pdf',
        'text/plain; charset=utf-8',
        'IMAGE/PNG',
        'application/octet-stream',
      ),
      fc.constantFrom(
        'application/x-msdownload',
        'text/html',
        'image',
        'imagex/png',
        'application/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=z',
        '',
      ),
      fc.string({ maxLength: 30 }),
      fc.constant(null),
    );
    const sizeArb = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 3000 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, ATTACHMENT_MAX, ATTACHMENT_MAX + 1) },
      { weight: 1, arbitrary: fc.integer({ min: ATTACHMENT_MAX + 1, max: ATTACHMENT_MAX + 5000 }) },
    );
    const getArb = fc.oneof(
      fc.constant('known'),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.constantFrom('A'.repeat(64), '0'.repeat(63), 'g'.repeat(64), '..', '%2e%2e', 'x'.repeat(65)),
      urlText.map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(
        sizeArb,
        mimeArb,
        fc.integer({ min: 0, max: 255 }),
        getArb,
        async (size, mime, fill, getId) => {
          cases++;
          const bytes = randomBytes(size);
          if (size > 0) bytes[0] = fill;
          const headers: Record<string, string> = auth(tokens.write);
          if (mime !== null) headers['content-type'] = mime;
          const r = await send({ method: 'POST', url: '/api/v1/attachments', headers, payload: bytes });
          const m = (mime ?? '').split(';')[0]!.trim().toLowerCase();
          const where = `upload ${size} bytes as ${JSON.stringify(mime)}`;
          if (size > ATTACHMENT_MAX) expectStatus(r, allowed(m) ? 413 : [413, 415], where);
          else if (!allowed(m)) expectStatus(r, [415, 400], where);
          else if (size === 0) expectStatus(r, 400, where);
          else {
            expectStatus(r, 201, where);
            const sha = createHash('sha256').update(bytes).digest('hex');
            expect(r.json).toEqual({ id: sha, sha256: sha, size, mimeType: attachments.get(sha)?.mime ?? m });
            if (!attachments.has(sha)) attachments.set(sha, { bytes, mime: m });
            const down = await send({
              method: 'GET',
              url: `/api/v1/attachments/${sha}`,
              headers: auth(tokens.read),
            });
            expectStatus(down, 200, 'download');
            expect(down.raw.equals(bytes)).toBe(true);
            expect(down.headers['content-type']).toBe(attachments.get(sha)!.mime);
          }
          const id =
            getId === 'known'
              ? ([...attachments.keys()][fill % Math.max(1, attachments.size)] ?? '0'.repeat(64))
              : getId;
          const g = await send({
            method: 'GET',
            url: `/api/v1/attachments/${id}`,
            headers: auth(tokens.read),
          });
          const known = attachments.get(id);
          if (known) {
            expectStatus(g, 200, 'download known');
            expect(g.raw.equals(known.bytes)).toBe(true);
          } else if (/^[0-9a-f]{64}$/.test(id)) expectStatus(g, 404, `download unknown ${id}`);
          else expectStatus(g, [400, 404], `download ${id}`);
        },
      ),
      params(7, 400),
    );
  });

  // ---------------------------------------------------------------- query and export

  it('query/export: any filter combination → rows or 400; the clean ones match the model', async () => {
    const all = () => modelMessages('chatlake:pages').sort(newestFirst);
    const columns = [
      'platform',
      'conversation_id',
      'message_id',
      'sender_id',
      'kind',
      'text',
      'sent_at',
      'revoked',
      'raw',
      'bogus',
      'observed_at',
      '',
    ];
    const filterArb = fc.record(
      {
        dataset: fc.constantFrom('messages', 'contacts', 'events', 'nope'),
        from: fc.oneof(
          fc.constantFrom(
            '2026',
            '2026-01',
            '2026-01-20',
            '2026-01-20T00:30',
            '2026-01-20T00:30:00Z',
            '2026-02-30',
            '20260120',
            'yesterday',
            '0000',
            '9999-12-31',
          ),
          fc.string({ maxLength: 12 }),
        ),
        to: fc.oneof(
          fc.constantFrom('2027', '2026-01-21', '2026-01-20T01:00+08:00', '1969', 'x'),
          fc.string({ maxLength: 12 }),
        ),
        platform: fc.constantFrom('chatlake', 'wechat', 'nope', ''),
        conversation: fc.oneof(fc.constantFrom('pages', 'team', 'wxid_fuzz_a'), urlText),
        sender: fc.oneof(fc.constantFrom('s1', 'alice'), urlText),
        type: fc.oneof(fc.constantFrom('text', 'image', '1', '49', 'sticker', ''), urlText),
        text: urlText,
        columns: fc.oneof(
          fc.subarray(columns).map((c) => c.join(',')),
          fc.string({ maxLength: 20 }),
        ),
        order: fc.constantFrom('asc', 'desc', 'up'),
        limit: fc.oneof(fc.integer({ min: 1, max: 10_000 }).map(String), fc.constantFrom('0', '10001', 'x')),
        format: fc.constantFrom('jsonl', 'csv', 'parquet'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        filterArb,
        fc.constantFrom('clean', 'fuzz', 'fuzz'),
        fc.constantFrom('asc', 'desc'),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom('none', 'valid', 'tampered'),
        async (exportIt, f, mode, order, limit, cursorKind) => {
          cases++;
          const route = exportIt ? '/api/v1/export' : '/api/v1/query';
          if (mode === 'clean') {
            const ordered = all();
            const expected = order === 'desc' ? ordered : [...ordered].reverse();
            const base = `platform=chatlake&conversation=pages&order=${order}`;
            if (exportIt) {
              const r = await get(`${route}?${base}&format=jsonl&columns=message_id,sent_at`);
              expectStatus(r, 200, 'export');
              const lines = r.text
                .split('\n')
                .filter(Boolean)
                .map((l) => JSON.parse(l).message_id);
              expect(lines).toEqual(expected.map((m) => m.id.slice(9)));
              return;
            }
            const r = await get(`${route}?${base}&limit=${limit}`);
            expectStatus(r, 200, 'query');
            expect(r.json.rows.map((x: Json) => x.message_id)).toEqual(
              expected.slice(0, limit).map((m) => m.id.slice(9)),
            );
            if (cursorKind === 'none' || r.json.nextCursor === null) return;
            const c: string = r.json.nextCursor;
            const cursor =
              cursorKind === 'valid' ? c : `${c.slice(0, -3)}${c.endsWith('AAA') ? 'BBB' : 'AAA'}`;
            const next = await get(`${route}?${base}&limit=${limit}&cursor=${encodeURIComponent(cursor)}`);
            if (cursorKind === 'tampered') return expectStatus(next, 400, 'tampered query cursor');
            expectStatus(next, 200, 'query page 2');
            expect(next.json.rows.map((x: Json) => x.message_id)).toEqual(
              expected.slice(limit, 2 * limit).map((m) => m.id.slice(9)),
            );
            // A cursor for other filters is refused.
            const foreign = await get(
              `${route}?platform=chatlake&conversation=team&order=${order}&limit=${limit}&cursor=${encodeURIComponent(c)}`,
            );
            return expectStatus(foreign, 400, 'query cursor of another query');
          }
          const sp = new URLSearchParams();
          for (const [k, v] of Object.entries(f)) if (exportIt ? k !== 'limit' : k !== 'format') sp.set(k, v);
          const r = await get(`${route}?${sp}`);
          expectStatus(r, [200, 400], `${route}?${sp}`);
          if (r.status === 400) return;
          expect(
            f.dataset === 'nope' ||
              f.order === 'up' ||
              (!exportIt && ['0', '10001', 'x'].includes(f.limit ?? '1')),
            `accepted ${route}?${sp}`,
          ).toBe(false);
          if (!exportIt) {
            expect(Array.isArray(r.json.rows)).toBe(true);
            expect(r.json.rows.length).toBeLessThanOrEqual(Number(f.limit ?? 100));
          } else if ((f.format ?? 'jsonl') === 'jsonl') {
            for (const line of r.text.split('\n').filter(Boolean)) JSON.parse(line);
          }
        },
      ),
      params(8, 300),
    );
  });

  // ---------------------------------------------------------------- admin

  it('admin: token create/list/revoke validate their input; a new token works; secrets never listed', async () => {
    const made: { id: number; token: string; scope: string }[] = [];
    const createBody = bodyText(
      mutated(
        fc.record({
          name: fc.oneof(anyText, fc.constant('n'.repeat(129))),
          scope: fc.constantFrom('read', 'write', 'admin', 'root', 'READ', ''),
        }),
        ['name', 'scope'],
      ),
    );
    const idArb = fc.oneof(
      fc.constant('made'),
      fc.integer({ min: 1_000_000, max: 2 ** 31 }).map(String),
      fc.constantFrom('0', '-1', '1.5', 'abc', '1e3', '99999999999999999999', '%20', ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('create', 'create', 'list', 'revoke', 'verify'),
        createBody,
        idArb,
        fc.nat(),
        async (kind, text, idText, n) => {
          cases++;
          if (kind === 'create') {
            const r = await send({
              method: 'POST',
              url: '/api/v1/tokens',
              headers: json(tokens.admin),
              payload: text,
            });
            let b: Json;
            try {
              b = JSON.parse(text);
            } catch {
              return expectStatus(r, 400, 'token body not JSON');
            }
            const ok =
              !badBody(b) &&
              onlyKeys(b, ['name', 'scope']) &&
              isStr(b.name, 1, 128) &&
              ['read', 'write', 'admin'].includes(b.scope as string);
            if (!ok) return expectStatus(r, 400, `token ${text.slice(0, 100)}`);
            expectStatus(r, 201, 'token create');
            expect(r.json).toEqual({ id: expect.any(Number), token: expect.stringMatching(/^clk_/) });
            made.push({ id: r.json.id, token: r.json.token, scope: b.scope });
            expectStatus(await get('/api/v1/conversations?limit=1', r.json.token), 200, 'new token reads');
            return;
          }
          if (kind === 'list') {
            const r = await get('/api/v1/tokens', tokens.admin);
            expectStatus(r, 200, 'list tokens');
            expect(r.text).not.toMatch(/clk_|tokenHash/);
            for (const t of made) expect(r.json.tokens.some((x: Json) => x.id === t.id)).toBe(true);
            return;
          }
          if (kind === 'verify') {
            const r = await get('/api/v1/audit/verify', tokens.admin);
            expectStatus(r, 200, 'audit verify');
            expect(r.json).toMatchObject({ ok: true, problem: null });
            return;
          }
          const target = idText === 'made' ? made[n % Math.max(1, made.length)] : undefined;
          const idPart = target ? String(target.id) : idText === 'made' ? '1234567' : idText;
          const r = await send({
            method: 'DELETE',
            url: `/api/v1/tokens/${idPart}`,
            headers: auth(tokens.admin),
          });
          if (target) {
            const live = !(target as { gone?: boolean }).gone;
            expectStatus(r, live ? 204 : 404, 'revoke a token made here');
            (target as { gone?: boolean }).gone = true;
            expectStatus(
              await get('/api/v1/conversations?limit=1', target.token),
              401,
              'revoked token refused',
            );
            return;
          }
          expectStatus(r, [400, 404], `revoke ${idPart}`);
          if (/^[1-9]\d*$/.test(idPart) && Number(idPart) <= 2 ** 31)
            expectStatus(r, 404, `revoke unknown ${idPart}`);
        },
      ),
      params(9, 300),
    );
    // Our own tokens survived.
    for (const t of [tokens.read, tokens.write, tokens.admin])
      expectStatus(await get('/api/v1/tokens', t), t === tokens.admin ? 200 : 403, 'own token');
  });

  // ---------------------------------------------------------------- anything else

  it('random methods, paths, headers and bodies anywhere: never a 5xx, always the error shape', async () => {
    const prefix = fc.constantFrom(
      '',
      '/api/v1',
      '/api/v1/conversations',
      '/api/v1/messages',
      '/webhook',
      '/webhook/wechat',
      '/api/v1/attachments',
      '/api/v2',
      '/health',
      '/metrics',
    );
    const seg = fc.oneof(
      urlText.map(encodeURIComponent),
      fc.constantFrom(
        '..',
        '.',
        '%',
        '%zz',
        '%E0%A4%A',
        '%00',
        '%2F',
        '',
        'chatlake:pages',
        'messages',
        'participants',
        'history',
        'ack',
        'restore',
        'x'.repeat(5000),
      ),
    );
    const methods = fc.constantFrom<Method>('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
    const headerArb = fc.dictionary(
      fc.constantFrom(
        'content-type',
        'accept',
        'x-write-mode',
        'idempotency-key',
        'x-webhook-secret',
        'content-encoding',
        'accept-encoding',
        'x-request-id',
        'transfer-encoding',
      ),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('application/json', 'gzip', 'chunked', 'identity', 'deflate', 'br'),
      ),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        methods,
        prefix,
        fc.array(seg, { maxLength: 4 }),
        fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
        headerArb,
        fc.constantFrom('admin', 'none', 'read'),
        fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 100 })), { nil: undefined }),
        async (method, pre, segs, query, headers, who, payload) => {
          cases++;
          const url = `${pre}/${segs.join('/')}${query === undefined ? '' : `?${query.replace(/#/g, '%23')}`}`;
          const h: Record<string, string> = { ...headers };
          if (who !== 'none') h.authorization = `Bearer ${tokens[who as 'admin' | 'read']}`;
          delete h['transfer-encoding'];
          await send({
            method,
            url,
            headers: h,
            payload: method === 'GET' || method === 'HEAD' ? undefined : payload,
          });
        },
      ),
      params(10, 2900),
    );
  });

  // ---------------------------------------------------------------- afterwards

  it('afterwards: health, a valid request, every accepted message exactly once, before and after compaction', async () => {
    expectStatus(await send({ method: 'GET', url: '/health' }), 200, 'health');
    const ready = await send({ method: 'GET', url: '/ready' });
    expectStatus(ready, 200, 'ready');
    const team = convs.get('chatlake:team')!;
    const sender = [...team.participants.keys()][0] ?? 'alice';
    const post = await send({
      method: 'POST',
      url: '/api/v1/conversations/chatlake:team/messages',
      headers: json(tokens.write),
      payload: JSON.stringify({ senderId: sender, text: 'still here' }),
    });
    expectStatus(post, 201, 'a valid post after the fuzz');
    msgs.set(post.json.id, { view: post.json, original: post.json, deleted: false, edits: 0, frozen: false });
    const check = async (label: string) => {
      for (const conv of [
        'chatlake:team',
        'chatlake:open',
        'chatlake:pair',
        'chatlake:pages',
        'chatlake:auth-target',
      ]) {
        const walked = await walk(conv);
        const ids = walked.map((m) => m.id);
        expect(new Set(ids).size, `${label} ${conv}: no duplicates`).toBe(ids.length);
        const expected = modelMessages(conv).sort(newestFirst);
        if (conv === 'chatlake:auth-target') continue; // posts there came from the auth property, unmodelled
        expect(ids, `${label} ${conv}`).toEqual(expected.map((m) => m.id));
        expect(walked, `${label} ${conv}`).toEqual(expected);
      }
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const r: Reply = await get(
          `/api/v1/conversations?limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expectStatus(r, 200, 'conversation walk');
        listed.push(...r.json.conversations.map((c: Json) => c.id));
        cursor = r.json.nextCursor;
      } while (cursor);
      expect(new Set(listed).size, `${label}: conversations once each`).toBe(listed.length);
      // Every envelope the webhook stored, once, in its conversation, with its content.
      const rows = await get(
        '/api/v1/query?platform=wechat&columns=message_id,conversation_id,content,sent_at&limit=10000',
      );
      expectStatus(rows, 200, 'wechat rows');
      expect(rows.json.nextCursor).toBeNull();
      const byId = new Map<string, Json[]>();
      for (const row of rows.json.rows) byId.set(row.message_id, [...(byId.get(row.message_id) ?? []), row]);
      for (const e of webhookStored) {
        const found = byId.get(e.msgId) ?? [];
        expect(found.length, `${label}: webhook message ${e.msgId} stored once`).toBe(1);
        expect(found[0]).toMatchObject({ conversation_id: e.from, content: e.content });
      }
      for (const id of [...convs.keys(), ...wechatConvs, 'chatlake:auth-target'])
        expect(listed, label).toContain(id);
    };
    await service.context.hot.settle();
    await check('hot and lake');
    await service.compactor.drain();
    expect((await service.context.lake.catalog.hotSummary()).rows).toBe(0);
    await check('all in Parquet');
    const metrics = await get('/metrics');
    expect(metrics.text, 'no background compaction failed').not.toContain(
      'chatlake_compaction_failures_total',
    );
    expect(metrics.text).toMatch(/chatlake_compactions_total \d+/);
    const audit = await get('/api/v1/audit/verify', tokens.admin);
    expect(audit.json).toMatchObject({ ok: true });
    console.log(`fuzz: ${cases} cases (seed ${SEED})`);
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });
});
