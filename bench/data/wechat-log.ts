import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { contactRecord, eventRecord, type SideRecord } from './contact-record.js';
import { LineSink } from './line-sink.js';
import { type ContentContext, messageContent, msgsource } from './message-content.js';
import { Rng } from './rng.js';
import { badMsgIdOf, msgIdOf, WechatWorld } from './wechat-world.js';

export type LogShape = 'mixed' | 'raw' | 'request-log';
export type LogProfile = 'small' | 'real';

export interface WechatLogOptions {
  /** Unique 1010 messages (revokes included). */
  messages: number;
  /** The following rates are fractions of `messages`, rounded to exact counts. */
  contactRate: number;
  redeliveryRate: number;
  malformedRate: number;
  eventRate: number;
  /** Per-message chances. */
  intSourceRate: number;
  unknownFieldRate: number;
  /** Chance of a blank line after each line. */
  blankRate: number;
  shape: LogShape;
  days: number;
  /** Last UTC day of the create_time spread, YYYY-MM-DD. */
  endDate: string;
  rooms: number;
  senders: number;
  seed: number;
  profile: LogProfile;
  /** Index of the first message: a later run with startIndex = previous nextIndex gets fresh ids. */
  startIndex: number;
  /** List msg_ids in Expected; default: when messages <= 50,000. */
  listIds: boolean;
}

export const MALFORMED_KINDS = [
  'not-json',
  'truncated',
  'not-object',
  'no-data',
  'no-msg-id',
  'no-create-time',
  'invalid-utf8',
  'parse-error',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface WechatLogExpected {
  lines: number;
  bytes: number;
  /** Unique notify_type 1010 msg_ids. */
  messages: number;
  /** 1200/1201/1202 records, all distinct. */
  contacts: number;
  /** Other notify_types. */
  events: number;
  /** Re-delivered (exact repeat) 1010 lines. */
  duplicates: number;
  malformed: number;
  blankLines: number;
  firstIndex: number;
  /** startIndex for a continuation run whose ids don't collide with this one. */
  nextIndex: number;
  minCreateTime: number | null;
  maxCreateTime: number | null;
  /** Unique messages per UTC day of create_time. */
  messagesByDay: Record<string, number>;
  byKind: {
    /** Unique messages by msg_type ("null" / "missing" when absent). */
    msgType: Record<string, number>;
    /** Unique msg_type 49 messages by appmsg type. */
    appType: Record<string, number>;
    /** Valid records (duplicates excluded) by notify_type. */
    notifyType: Record<string, number>;
    malformed: Record<string, number>;
    /** Valid record lines (duplicates included) by line shape. */
    shape: { raw: number; requestLog: number };
    intSource: number;
    nullSource: number;
    unknownFields: number;
  };
  messageIds?: string[];
  duplicateIds?: string[];
  options: WechatLogOptions;
}

export const DEFAULT_WECHAT_LOG_OPTIONS: WechatLogOptions = {
  messages: 23_210,
  contactRate: 0.016,
  redeliveryRate: 0.03,
  malformedRate: 0.005,
  eventRate: 0.001,
  intSourceRate: 0.016,
  unknownFieldRate: 0.01,
  blankRate: 0.001,
  shape: 'mixed',
  days: 60,
  endDate: '2026-01-31',
  rooms: 50,
  senders: 2000,
  seed: 1,
  profile: 'small',
  startIndex: 0,
  listIds: true,
};

export function resolveWechatLogOptions(opts: Partial<WechatLogOptions> = {}): WechatLogOptions {
  const o = { ...DEFAULT_WECHAT_LOG_OPTIONS, ...opts };
  if (opts.listIds === undefined) o.listIds = o.messages <= 50_000;
  if (!Number.isInteger(o.messages) || o.messages < 0)
    throw new Error(`messages must be a non-negative integer`);
  if (!['mixed', 'raw', 'request-log'].includes(o.shape)) throw new Error(`unknown shape ${o.shape}`);
  if (!['small', 'real'].includes(o.profile)) throw new Error(`unknown profile ${o.profile}`);
  return o;
}

/**
 * Writes a synthetic WeChat webhook log to `out` (a path, or a stream that is left open) and returns
 * what a correct ingest must find in it. Same options, same bytes; memory stays bounded.
 */
export async function generateWechatLog(
  opts: Partial<WechatLogOptions>,
  out: Writable | string,
  append = false,
): Promise<WechatLogExpected> {
  const options = resolveWechatLogOptions(opts);
  if (typeof out !== 'string') return new LogWriter(options, new LineSink(out)).run();
  const file = createWriteStream(out, { flags: append ? 'a' : 'w' });
  try {
    const expected = await new LogWriter(options, new LineSink(file)).run();
    file.end();
    await finished(file);
    return expected;
  } catch (err) {
    file.destroy();
    throw err;
  }
}

/** Appends a continuation (set `startIndex` to the previous run's nextIndex) to an existing log. */
export function appendWechatLog(opts: Partial<WechatLogOptions>, path: string): Promise<WechatLogExpected> {
  return generateWechatLog(opts, path, true);
}

/** The whole log in memory: for tests and small runs only. */
export async function generateWechatLogBuffer(
  opts: Partial<WechatLogOptions>,
): Promise<{ data: Buffer; expected: WechatLogExpected }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const expected = await generateWechatLog(opts, sink);
  return { data: Buffer.concat(chunks), expected };
}

interface BuiltMessage {
  envelope: string;
  createTime: number;
  msgType: number | null | undefined;
  appType: number | null;
  shape: 'raw' | 'request-log';
  intSource: boolean;
  nullSource: boolean;
  unknownFields: boolean;
}

const UNKNOWN_KEYS: [string, unknown][] = [
  ['img_status', 2],
  ['push_content', '有人@了你'],
  ['new_msg_id', '0'],
  ['msg_seq', 712_345_678],
  ['x_extra', { nested: [1, 'two', null] }],
];
const IPS = ['101.33.12.7', '119.29.4.88', '10.0.0.12', '2408:8756:c52:1f00::5'];
const BAD_BYTES = '@@BAD_BYTES@@';
const DAY = 86_400;

class LogWriter {
  private readonly world: WechatWorld;
  private readonly order: Rng;
  private readonly start: number;
  private readonly span: number;
  private readonly e: WechatLogExpected;
  private clock: number;

  constructor(
    private readonly o: WechatLogOptions,
    private readonly sink: LineSink,
  ) {
    this.world = new WechatWorld(o.seed, o.rooms, o.senders);
    this.order = Rng.for(o.seed, 0x0d, o.startIndex);
    const end = Date.parse(`${o.endDate}T00:00:00Z`) / 1000 + DAY;
    if (Number.isNaN(end)) throw new Error(`bad endDate ${o.endDate}`);
    this.span = Math.max(1, o.days) * DAY;
    this.start = end - this.span;
    this.clock = this.start;
    this.e = {
      lines: 0,
      bytes: 0,
      messages: 0,
      contacts: 0,
      events: 0,
      duplicates: 0,
      malformed: 0,
      blankLines: 0,
      firstIndex: o.startIndex,
      nextIndex: o.startIndex + o.messages,
      minCreateTime: null,
      maxCreateTime: null,
      messagesByDay: {},
      byKind: {
        msgType: {},
        appType: {},
        notifyType: {},
        malformed: {},
        shape: { raw: 0, requestLog: 0 },
        intSource: 0,
        nullSource: 0,
        unknownFields: 0,
      },
      options: o,
    };
    if (o.listIds) {
      this.e.messageIds = [];
      this.e.duplicateIds = [];
    }
  }

  async run(): Promise<WechatLogExpected> {
    const o = this.o;
    const m = o.messages;
    const left = {
      message: m,
      contact: Math.round(m * o.contactRate),
      event: Math.round(m * o.eventRate),
      duplicate: m > 0 ? Math.round(m * o.redeliveryRate) : 0,
      malformed: Math.round(m * o.malformedRate),
    };
    let next = o.startIndex;
    let contactK = 0;
    let eventK = 0;
    let badK = 0;
    let burst = 0;
    let burstNext = 0;
    for (;;) {
      const dupOk = next > o.startIndex ? left.duplicate : 0;
      const weights = [left.message, dupOk, left.contact, left.event, left.malformed];
      const total = weights.reduce((a, b) => a + b, 0);
      if (total === 0) break;
      let r = this.order.next() * total;
      let kind = 0;
      while (kind < 4 && (r >= weights[kind]! || weights[kind] === 0)) r -= weights[kind++]!;
      if (kind === 0) {
        left.message--;
        this.message(next++);
      } else if (kind === 1) {
        left.duplicate--;
        if (burst === 0 || burstNext >= next) {
          const seen = next - o.startIndex;
          burstNext = next - 1 - Math.floor(this.order.next() ** 3 * seen);
          burst = this.order.chance(0.3) ? this.order.range(2, 20) : 1;
        }
        burst--;
        this.duplicate(burstNext++);
      } else if (kind === 2) {
        left.contact--;
        this.side(contactRecord(this.order, this.world, o.startIndex + contactK++, this.clock), 'contacts');
      } else if (kind === 3) {
        left.event--;
        this.side(eventRecord(this.order, this.world, o.startIndex + eventK++, this.clock), 'events');
      } else {
        left.malformed--;
        await this.malformed(badK++, Math.max(o.startIndex, next - 1));
      }
      while (this.order.chance(o.blankRate)) {
        this.sink.line('');
        this.e.blankLines++;
      }
      if (this.sink.full) await this.sink.flush();
    }
    await this.sink.flush();
    this.e.lines = this.sink.lines;
    this.e.bytes = this.sink.bytes;
    return this.e;
  }

  private message(i: number): void {
    const b = this.build(i, msgIdOf(i, this.o.seed), null);
    const e = this.e;
    e.messages++;
    const day = new Date(b.createTime * 1000).toISOString().slice(0, 10);
    e.messagesByDay[day] = (e.messagesByDay[day] ?? 0) + 1;
    if (e.minCreateTime === null || b.createTime < e.minCreateTime) e.minCreateTime = b.createTime;
    if (e.maxCreateTime === null || b.createTime > e.maxCreateTime) e.maxCreateTime = b.createTime;
    const t = b.msgType === undefined ? 'missing' : String(b.msgType);
    e.byKind.msgType[t] = (e.byKind.msgType[t] ?? 0) + 1;
    if (b.appType !== null) e.byKind.appType[b.appType] = (e.byKind.appType[b.appType] ?? 0) + 1;
    e.byKind.notifyType[1010] = (e.byKind.notifyType[1010] ?? 0) + 1;
    if (b.intSource) e.byKind.intSource++;
    if (b.nullSource) e.byKind.nullSource++;
    if (b.unknownFields) e.byKind.unknownFields++;
    e.messageIds?.push(msgIdOf(i, this.o.seed));
    this.clock = Math.max(this.clock, b.createTime);
    this.emit(b.envelope, b.shape, b.createTime * 1000 + this.order.int(3000));
  }

  private duplicate(j: number): void {
    const b = this.build(j, msgIdOf(j, this.o.seed), null);
    this.e.duplicates++;
    this.e.duplicateIds?.push(msgIdOf(j, this.o.seed));
    let shape = b.shape;
    if (this.o.shape === 'mixed' && this.order.chance(0.5)) shape = shape === 'raw' ? 'request-log' : 'raw';
    this.emit(b.envelope, shape, this.clock * 1000 + this.order.int(600_000));
  }

  private side(rec: SideRecord, count: 'contacts' | 'events'): void {
    this.e[count]++;
    const nt = this.e.byKind.notifyType;
    nt[rec.notifyType] = (nt[rec.notifyType] ?? 0) + 1;
    const envelope = JSON.stringify({ guid: this.world.guid, notify_type: rec.notifyType, data: rec.data });
    this.emit(envelope, this.lineShape(this.order), this.clock * 1000 + this.order.int(3000));
  }

  private emit(envelope: string, shape: 'raw' | 'request-log', receivedMs: number): void {
    if (shape === 'raw') this.e.byKind.shape.raw++;
    else this.e.byKind.shape.requestLog++;
    this.sink.line(shape === 'raw' ? envelope : this.requestLog(envelope, envelope, receivedMs, null));
  }

  private requestLog(body: string, parsed: string, receivedMs: number, error: string | null): string {
    const rng = this.order;
    const length = Buffer.byteLength(body);
    const id = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-8${rng.hex(3)}-${rng.hex(12)}`;
    const ip = rng.pick(IPS);
    const headers = `{"host":"bot.example.com:8080","user-agent":"Go-http-client/1.1","content-length":"${length}","content-type":"application/json","accept-encoding":"gzip","x-forwarded-for":"${ip}"}`;
    return `{"event":"webhook_request_received","request_id":"${id}","timestamp":"${new Date(receivedMs).toISOString()}","client_ip":"${ip}","method":"POST","path":"/webhook/wechat","headers":${headers},"body_length":${length},"body_text":${JSON.stringify(body)},"content_type":"application/json","parsed_json":${parsed},"parsed_form":null,"parse_error":${error === null ? 'null' : JSON.stringify(error)},"level":"${error === null ? 'info' : 'warning'}"}`;
  }

  private lineShape(rng: Rng): 'raw' | 'request-log' {
    if (this.o.shape !== 'mixed') return this.o.shape;
    return rng.chance(0.5) ? 'raw' : 'request-log';
  }

  /** Message i as a pure function of (options, i), so re-deliveries repeat it exactly. */
  private build(
    i: number,
    msgId: string,
    damage: 'no-msg-id' | 'no-create-time' | 'invalid-utf8' | null,
  ): BuiltMessage {
    const o = this.o;
    const rng = Rng.for(o.seed, 0x3e, i);
    const shape = this.lineShape(rng);
    const p = (i - o.startIndex + 0.5) / Math.max(1, o.messages);
    const jitter = rng.range(-300, 60);
    const createTime = Math.min(
      this.start + this.span - 1,
      Math.max(this.start, this.start + Math.floor(p * this.span) + jitter),
    );
    const conv = this.world.conversationOf(i);
    let ref: ContentContext['ref'] = null;
    if (i > o.startIndex) {
      const j = i - 1 - Math.floor(rng.next() ** 2 * (i - o.startIndex));
      ref = { msgId: msgIdOf(j, o.seed), conv: this.world.conversationOf(j) };
    }
    const ctx: ContentContext = { rng, real: o.profile === 'real', world: this.world, conv, createTime, ref };
    const c = messageContent(ctx);
    const sr = rng.next();
    const intSource = sr < o.intSourceRate;
    const nullSource = !intSource && sr < o.intSourceRate * 1.25;
    const source = intSource ? rng.pick([0, 1, 2, 17, 200]) : nullSource ? null : msgsource(ctx);
    const data: Record<string, unknown> = {
      from_username: conv.from,
      to_username: this.world.bot,
      chatroom: conv.chatroom,
      chatroom_sender: conv.group ? conv.sender : '',
      msg_id: msgId,
      msg_type: c.msgType,
      create_time: createTime,
      is_chatroom_msg: conv.group ? 1 : 0,
      content: damage === 'invalid-utf8' ? `${c.content}${BAD_BYTES}` : c.content,
      desc: c.desc,
      source,
    };
    const unknownFields = rng.chance(o.unknownFieldRate);
    if (unknownFields) {
      for (let k = rng.range(1, 3); k > 0; k--) {
        const [key, value] = rng.pick(UNKNOWN_KEYS);
        data[key] = value;
      }
    }
    if (damage === 'no-msg-id') delete data.msg_id;
    if (damage === 'no-create-time') delete data.create_time;
    const envelope = JSON.stringify({ guid: this.world.guid, notify_type: 1010, data });
    return {
      envelope,
      createTime,
      msgType: c.msgType,
      appType: c.appType,
      shape,
      intSource,
      nullSource,
      unknownFields,
    };
  }

  private async malformed(k: number, near: number): Promise<void> {
    const o = this.o;
    const kinds = o.shape === 'raw' ? MALFORMED_KINDS.length - 1 : MALFORMED_KINDS.length;
    const kind = MALFORMED_KINDS[k % kinds]!;
    this.e.malformed++;
    this.e.byKind.malformed[kind] = (this.e.byKind.malformed[kind] ?? 0) + 1;
    const rng = this.order;
    const shape = this.lineShape(rng);
    const receivedMs = this.clock * 1000 + rng.int(3000);
    const wrap = (env: string): string =>
      shape === 'raw' ? env : this.requestLog(env, env, receivedMs, null);
    const sample = (damage: 'no-msg-id' | 'no-create-time' | 'invalid-utf8' | null) =>
      this.build(near, badMsgIdOf(o.startIndex + k, o.seed), damage).envelope;
    switch (kind) {
      case 'not-json':
        this.sink.line(
          rng.pick([
            '<html><body>502 Bad Gateway</body></html>',
            'POST /webhook/wechat HTTP/1.1',
            '[ERROR] connection reset by peer',
            "{guid: 'x', notify_type: 1010}",
            'undefined',
          ]),
        );
        return;
      case 'truncated': {
        const line = wrap(sample(null));
        this.sink.line(line.slice(0, rng.range(1, line.length - 2)));
        return;
      }
      case 'not-object':
        this.sink.line(rng.pick(['[1,2,3]', '42', '"ok"', 'null', 'true', `[${sample(null)}]`]));
        return;
      case 'no-data':
        this.sink.line(wrap(JSON.stringify({ guid: this.world.guid, notify_type: 1010 })));
        return;
      case 'no-msg-id':
      case 'no-create-time':
        this.sink.line(wrap(sample(kind)));
        return;
      case 'invalid-utf8': {
        const parts = wrap(sample(kind)).split(BAD_BYTES);
        const bad = Buffer.from([0xff, 0xfe]);
        await this.sink.binaryLine(
          Buffer.concat(parts.flatMap((s, n) => (n === 0 ? [Buffer.from(s)] : [bad, Buffer.from(s)]))),
        );
        return;
      }
      case 'parse-error': {
        const env = sample(null);
        const body = env.slice(0, rng.range(1, env.length - 2));
        this.sink.line(this.requestLog(body, 'null', receivedMs, 'Unexpected end of JSON input'));
        return;
      }
    }
  }
}
