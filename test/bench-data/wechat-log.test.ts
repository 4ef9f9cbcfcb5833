import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendWechatLog,
  generateWechatLog,
  generateWechatLogBuffer,
  MALFORMED_KINDS,
  type WechatLogExpected,
} from '../../bench/data/wechat-log.js';

interface Recount {
  lines: number;
  bytes: number;
  messages: number;
  contacts: number;
  events: number;
  duplicates: number;
  malformed: number;
  blankLines: number;
  ids: string[];
  occurrences: Map<string, string[]>;
  contactKeys: Set<string>;
  refs: string[];
  raw: number;
  requestLog: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Classifies every line on its own, without the generator's help. */
function recount(data: Buffer): Recount {
  const r: Recount = {
    lines: 0,
    bytes: data.length,
    messages: 0,
    contacts: 0,
    events: 0,
    duplicates: 0,
    malformed: 0,
    blankLines: 0,
    ids: [],
    occurrences: new Map(),
    contactKeys: new Set(),
    refs: [],
    raw: 0,
    requestLog: 0,
  };
  expect(data.length === 0 || data[data.length - 1] === 0x0a).toBe(true);
  let start = 0;
  while (start < data.length) {
    const end = data.indexOf(0x0a, start);
    const bytes = data.subarray(start, end);
    start = end + 1;
    r.lines++;
    if (bytes.length === 0) {
      r.blankLines++;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(utf8.decode(bytes));
    } catch {
      r.malformed++;
      continue;
    }
    if (!isObject(value)) {
      r.malformed++;
      continue;
    }
    let env: unknown = value;
    const requestLog = value.event === 'webhook_request_received';
    if (requestLog) {
      env = value.parsed_json;
      if (isObject(env)) expect(JSON.parse(value.body_text as string)).toEqual(env);
    }
    if (!isObject(env) || typeof env.notify_type !== 'number' || !isObject(env.data)) {
      r.malformed++;
      continue;
    }
    const d = env.data;
    if (env.notify_type === 1010) {
      if (typeof d.msg_id !== 'string' || typeof d.create_time !== 'number') {
        r.malformed++;
        continue;
      }
      const canonical = JSON.stringify(env);
      const seen = r.occurrences.get(d.msg_id);
      if (seen) {
        r.duplicates++;
        seen.push(canonical);
      } else {
        r.messages++;
        r.ids.push(d.msg_id);
        r.occurrences.set(d.msg_id, [canonical]);
        const content = String(d.content);
        const ref = /<newmsgid>(\d+)<\/newmsgid>|<svrid>(\d+)<\/svrid>/.exec(content);
        if (ref && (d.msg_type === 10002 || d.msg_type === 49)) r.refs.push(ref[1] ?? ref[2]!);
      }
    } else if ([1200, 1201, 1202].includes(env.notify_type)) {
      r.contacts++;
      r.contactKeys.add(JSON.stringify(d));
    } else {
      r.events++;
    }
    if (requestLog) r.requestLog++;
    else r.raw++;
  }
  return r;
}

function expectCounts(e: WechatLogExpected, r: Recount): void {
  const { lines, bytes, messages, contacts, events, duplicates, malformed, blankLines } = r;
  expect({ lines, bytes, messages, contacts, events, duplicates, malformed, blankLines }).toEqual({
    lines: e.lines,
    bytes: e.bytes,
    messages: e.messages,
    contacts: e.contacts,
    events: e.events,
    duplicates: e.duplicates,
    malformed: e.malformed,
    blankLines: e.blankLines,
  });
  expect(lines).toBe(messages + contacts + events + duplicates + malformed + blankLines);
  expect({ raw: r.raw, requestLog: r.requestLog }).toEqual(e.byKind.shape);
}

const dir = mkdtempSync(join(tmpdir(), 'wechat-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateWechatLog', () => {
  it('is deterministic: same options, same bytes; another seed, other bytes', async () => {
    const a = await generateWechatLogBuffer({ messages: 3000, seed: 7 });
    const b = await generateWechatLogBuffer({ messages: 3000, seed: 7 });
    const c = await generateWechatLogBuffer({ messages: 3000, seed: 8 });
    expect(a.data.equals(b.data)).toBe(true);
    expect(a.expected).toEqual(b.expected);
    expect(a.data.equals(c.data)).toBe(false);
    const path = join(dir, 'same.log');
    const e = await generateWechatLog({ messages: 3000, seed: 7 }, path);
    expect(readFileSync(path).equals(a.data)).toBe(true);
    expect(e).toEqual(a.expected);
  });

  it('reports counts that an independent line-by-line recount agrees with', async () => {
    for (const shape of ['mixed', 'raw', 'request-log'] as const) {
      const { data, expected } = await generateWechatLogBuffer({ messages: 4000, shape, seed: 3 });
      const r = recount(data);
      expectCounts(expected, r);
      expect(expected.messages).toBe(4000);
      expect(expected.contacts).toBe(Math.round(4000 * 0.016));
      expect(expected.duplicates).toBe(Math.round(4000 * 0.03));
      expect(expected.malformed).toBe(Math.round(4000 * 0.005));
      expect(expected.events).toBe(Math.round(4000 * 0.001));
      expect(r.ids).toEqual(expected.messageIds);
      expect(r.contactKeys.size).toBe(expected.contacts);
      if (shape === 'raw') expect(r.requestLog).toBe(0);
      if (shape === 'request-log') expect(r.raw).toBe(0);
      const kinds = shape === 'raw' ? MALFORMED_KINDS.filter((k) => k !== 'parse-error') : MALFORMED_KINDS;
      expect(Object.keys(expected.byKind.malformed).sort()).toEqual([...kinds].sort());
    }
  });

  it('re-delivers exact copies of earlier messages', async () => {
    const { data, expected } = await generateWechatLogBuffer({ messages: 3000, seed: 5 });
    const r = recount(data);
    expect(expected.duplicateIds).toHaveLength(expected.duplicates);
    for (const id of expected.duplicateIds ?? []) {
      const copies = r.occurrences.get(id);
      expect(copies?.length).toBeGreaterThanOrEqual(2);
      expect(new Set(copies).size).toBe(1);
    }
    const total = [...r.occurrences.values()].reduce((n, c) => n + c.length - 1, 0);
    expect(total).toBe(expected.duplicates);
  });

  it('uses unique 19-digit msg_ids and points revokes and quotes at earlier messages', async () => {
    const { data, expected } = await generateWechatLogBuffer({ messages: 3000, seed: 9 });
    const r = recount(data);
    const ids = new Set(r.ids);
    expect(ids.size).toBe(expected.messages);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9]\d{18}$/);
      expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    }
    expect(r.refs.length).toBeGreaterThan(50);
    for (const ref of r.refs) expect(ids.has(ref)).toBe(true);
    for (const t of ['1', '3', '34', '43', '47', '48', '49', '51', '10000', '10002']) {
      expect(expected.byKind.msgType[t]).toBeGreaterThan(0);
    }
    expect(expected.byKind.intSource + expected.byKind.nullSource).toBeGreaterThan(0);
    expect(expected.byKind.unknownFields).toBeGreaterThan(0);
  });

  it('continues a run with startIndex: appended lines bring only new ids', async () => {
    const path = join(dir, 'append.log');
    const first = await generateWechatLog({ messages: 2000, seed: 4 }, path);
    const second = await appendWechatLog({ messages: 500, seed: 4, startIndex: first.nextIndex }, path);
    const data = readFileSync(path);
    expect(data.length).toBe(first.bytes + second.bytes);
    const overlap = second.messageIds?.filter((id) => first.messageIds?.includes(id));
    expect(overlap).toEqual([]);
    const r = recount(data);
    expect(r.messages).toBe(first.messages + second.messages);
    expect(r.duplicates).toBe(first.duplicates + second.duplicates);
    expect(r.contacts).toBe(first.contacts + second.contacts);
    expect(r.contactKeys.size).toBe(r.contacts);
    expect(r.malformed).toBe(first.malformed + second.malformed);
    expect(r.ids.slice(first.messages)).toEqual(second.messageIds);
  });

  it('gives different ids for different seeds, and the same ids for the same seed', async () => {
    const ids = async (seed: number) =>
      (await generateWechatLogBuffer({ messages: 2000, seed, listIds: true })).expected.messageIds!;
    const [one, two, again] = await Promise.all([ids(1), ids(2), ids(1)]);
    expect(again).toEqual(one);
    const first = new Set(one);
    expect(two.filter((id) => first.has(id))).toEqual([]);
    // Seed 1, the default, keeps the ids it always gave (benchmarks and lakes built before stay comparable).
    expect(one[0]).toBe('7218503113970652211');
  });

  it('keeps the profiles near their target line sizes', async () => {
    const small = await generateWechatLogBuffer({ messages: 3000, shape: 'raw', listIds: false });
    expect(small.expected.messageIds).toBeUndefined();
    const avg = small.expected.bytes / small.expected.lines;
    expect(avg).toBeGreaterThan(450);
    expect(avg).toBeLessThan(700);
    const real = await generateWechatLogBuffer({ messages: 1000, shape: 'request-log', profile: 'real' });
    expect(real.expected.bytes / real.expected.messages).toBeGreaterThan(8000);
    expect(recount(real.data).messages).toBe(1000);
  });
});
