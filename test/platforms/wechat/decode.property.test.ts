import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_KINDS } from '../../../src/core/message.js';
import type { DecodeContext, DecodeResult } from '../../../src/platforms/platform-adapter.js';
import { wechatAdapter } from '../../../src/platforms/wechat/wechat-adapter.js';

const MSG_TYPES = [1, 3, 34, 37, 42, 43, 47, 48, 49, 50, 51, 10000, 10002, 9999];

const FRAGMENTS = [
  '<?xml version="1.0"?>\n',
  '<msg>',
  '</msg>',
  '<msg ',
  '<img ',
  ' md5="',
  ' length="12"',
  '"',
  "'",
  '/>',
  '>',
  '<',
  '</',
  '<appmsg appid="">',
  '</appmsg>',
  '<type>',
  '</type>',
  '57',
  '5',
  '<title>',
  '</title>',
  '<refermsg>',
  '<svrid>123</svrid>',
  '<content>',
  '</content>',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '&lt;',
  '&amp;',
  '&#x',
  '&#',
  '1F600;',
  ';',
  '$',
  '${',
  '}',
  '<sysmsg type="revokemsg">',
  '<sysmsg type="sysmsgtemplate">',
  '<template>',
  '<link name="a">',
  '<nickname>',
  '<newmsgid>',
  '</sysmsg>',
  'wxid_a:\n',
  '@chatroom',
  '中文',
  '😀',
];

const xmlish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme', maxLength: 8 })), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));

function ctx(rawText: string): DecodeContext {
  return { rawText, receivedAt: null, fallbackTime: 1767225600000 };
}

function decodeText(text: string): DecodeResult {
  return wechatAdapter.decode(JSON.parse(text), ctx(text));
}

function checkRecords(result: DecodeResult): void {
  if (!result.ok) {
    expect(typeof result.reason).toBe('string');
    return;
  }
  for (const r of result.records) {
    expect(typeof r.record.raw).toBe('string');
    if (r.dataset !== 'messages') continue;
    const m = r.record;
    expect(typeof m.messageId).toBe('string');
    expect(typeof m.conversationId).toBe('string');
    expect(MESSAGE_KINDS).toContain(m.kind);
    expect(m.text === null || typeof m.text === 'string').toBe(true);
    if (m.meta !== null) expect(typeof JSON.parse(m.meta)).toBe('object');
    expect(Number.isFinite(m.sentAt)).toBe(true);
  }
}

function message(content: unknown, msgType: unknown, extra: Record<string, unknown> = {}) {
  return {
    guid: 'g',
    notify_type: 1010,
    data: {
      from_username: '49599342989@chatroom',
      to_username: 'wxid_bot',
      chatroom: '49599342989@chatroom',
      chatroom_sender: '',
      msg_id: '7218503113970652211',
      msg_type: msgType,
      create_time: 1767225600,
      is_chatroom_msg: 1,
      content,
      desc: '',
      source: null,
      ...extra,
    },
  };
}

describe('wechat decode properties', () => {
  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value) ?? 'null';
        checkRecords(decodeText(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary envelopes and data shapes', () => {
    const envelope = fc.record(
      {
        guid: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        notify_type: fc.oneof(fc.constantFrom(1010, 1200, 1201, 1202, 1011, '1010'), fc.jsonValue()),
        data: fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              'msg_id',
              'create_time',
              'msg_type',
              'content',
              'userName',
              'from_username',
              'chatroom',
            ),
            fc.jsonValue(),
          ),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(envelope, (env) => checkRecords(decodeText(JSON.stringify(env)))),
      { numRuns: 2000 },
    );
  });

  for (const msgType of MSG_TYPES) {
    it(`keeps every msg_type ${msgType} message whatever its content`, () => {
      fc.assert(
        fc.property(fc.oneof(xmlish, fc.string({ unit: 'binary' })), (content) => {
          const result = decodeText(JSON.stringify(message(content, msgType)));
          expect(result.ok).toBe(true);
          checkRecords(result);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('keeps msg_id digits exactly, as strings or as JSON numbers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), (id, asNumber) => {
        const text = JSON.stringify(message('x', 1, { msg_id: String(id) })).replace(
          `"msg_id":"${id}"`,
          asNumber ? `"msg_id":${id}` : `"msg_id":"${id}"`,
        );
        const result = decodeText(text);
        expect(result.ok).toBe(true);
        if (result.ok && result.records[0]?.dataset === 'messages')
          expect(result.records[0].record.messageId).toBe(String(id));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes adversarial content in linear time', () => {
    const n = 200_000;
    const inputs = [
      '<a'.repeat(n),
      '&#'.repeat(n),
      '<msg>'.repeat(n),
      `<sysmsg type="sysmsgtemplate"><template>${'$a$'.repeat(n / 10)}</template><link_list>${'<link name="a">'.repeat(n / 10)}</link_list></sysmsg>`,
      `<msg><appmsg><type>57</type><refermsg>${'<title'.repeat(n)}</refermsg></appmsg></msg>`,
      `<msg><img ${'md5'.repeat(n)} /></msg>`,
      `${'a<b '.repeat(n)}>`,
    ];
    for (const content of inputs)
      for (const msgType of MSG_TYPES) {
        const started = performance.now();
        checkRecords(decodeText(JSON.stringify(message(content, msgType))));
        expect(performance.now() - started).toBeLessThan(250);
      }
  });
});
