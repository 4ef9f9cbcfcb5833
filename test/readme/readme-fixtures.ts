import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWechatLog } from '../../bench/data/wechat-log.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

/** The chatroom and sender the README's examples name. */
export const README_ROOM = '4800000000@chatroom';
export const README_SENDER = 'wxid_abc';
/** Messages whose text holds the README's search word (more than its `--limit 20`, so a cursor is printed). */
export const MEETING_MESSAGES = 30;
/** Undecodable lines across the inputs: more than the README's `quarantine show 12` / `retry 12 13` need. */
export const BAD_LINES = 16;
/** Messages of `~/wechat_webhook.log`, of `data/messages/raw/` (two logs of 50), of `today.jsonl`. */
export const HOME_MESSAGES = 100;
export const RAW_MESSAGES = 100;
export const TODAY_MESSAGES = 10;

/** Seconds since the epoch of a UTC time. */
const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A message (notify_type 1010) in the README's chatroom, sent by `sender`. */
function roomEnvelope(m: { msgId: string; time: number; text: string; sender?: string; msgType?: number }) {
  const sender = m.sender ?? README_SENDER;
  const base = wechatEnvelope({ msgId: m.msgId, time: m.time, content: `${sender}:\n${m.text}` });
  return {
    ...base,
    data: {
      ...base.data,
      from_username: README_ROOM,
      chatroom: README_ROOM,
      chatroom_sender: sender,
      is_chatroom_msg: 1,
      msg_type: m.msgType ?? 1,
    },
  };
}

/** A contact change (notify_type 1200). */
function contactEnvelope(userName: string, nickName: string) {
  return {
    guid: 'bot-1',
    notify_type: 1200,
    data: { userName: { string: userName }, nickName: { string: nickName }, remark: { string: '' }, sex: 1 },
  };
}

const line = (v: unknown) => `${JSON.stringify(v)}\n`;

/** Lines no adapter can decode (not JSON, or a message without msg_id): they go to quarantine. */
function badLines(n: number, tag: string): string {
  let out = '';
  for (let i = 0; i < n; i++)
    out +=
      i % 2 === 0
        ? `<html><body>502 Bad Gateway ${tag} ${i}</body></html>\n`
        : line({ guid: 'bot-1', notify_type: 1010, data: { create_time: at('2026-01-23T08:00:00Z') } });
  return out;
}

/**
 * Writes the files the README's commands name, with data that makes each command's promise checkable:
 * - `<home>/wechat_webhook.log`: messages 1000000000000… in 4800000000@chatroom on 2026-01-23 (ids
 *   1000000000042 and 1000000000043 included), 开会 in 30 of them, images (msg_type 3) from wxid_abc, contact
 *   changes, and undecodable lines;
 * - `<cwd>/data/messages/raw/`: two logs (`*.jsonl`, `*.log`) of more January messages and bad lines;
 * - `<cwd>/today.jsonl`, `<cwd>/big.log` (the bench generator: 3000 messages), `<cwd>/payload.json` (one
 *   envelope), `<cwd>/weekly-report.sql` (two statements), `<cwd>/chatlake.json` (service settings).
 */
export async function writeReadmeFixtures(cwd: string, home: string): Promise<void> {
  let log = '';
  for (let i = 0; i < HOME_MESSAGES; i++) {
    const msgId = String(1_000_000_000_000 + i);
    const time = at('2026-01-23T01:00:00Z') + i * 60;
    if (i % 5 === 4)
      log += line(
        roomEnvelope({ msgId, time, msgType: 3, text: `<msg><img length="1024" md5="m${i}" /></msg>` }),
      );
    else
      log += line(
        roomEnvelope({
          msgId,
          time,
          sender: i % 2 === 0 ? README_SENDER : 'wxid_bob',
          text: i < MEETING_MESSAGES ? `明天下午三点开会 #${i}` : `message ${i}`,
        }),
      );
  }
  log += line(contactEnvelope(README_SENDER, 'Abc'));
  log += line(contactEnvelope('wxid_bob', 'Bob'));
  log += badLines(BAD_LINES / 2, 'home');
  writeFileSync(join(home, 'wechat_webhook.log'), log);

  const raw = join(cwd, 'data', 'messages', 'raw');
  mkdirSync(raw, { recursive: true });
  for (const [name, first] of [
    ['2026-01-a.jsonl', 2_000_000_000_000],
    ['2026-01-b.log', 2_000_000_000_100],
  ] as const) {
    let text = '';
    for (let i = 0; i < RAW_MESSAGES / 2; i++)
      text += line(
        wechatEnvelope({
          msgId: String(first + i),
          time: at('2026-01-10T09:00:00Z') + i * 3600,
          content: `direct ${i}`,
        }),
      );
    text += badLines(BAD_LINES / 4, name);
    writeFileSync(join(raw, name), text);
  }

  let today = '';
  for (let i = 0; i < TODAY_MESSAGES; i++)
    today += line(
      roomEnvelope({
        msgId: String(3_000_000_000_000 + i),
        time: at('2026-01-24T10:00:00Z') + i,
        text: `today ${i}`,
      }),
    );
  writeFileSync(join(cwd, 'today.jsonl'), today);

  await generateWechatLog({ messages: 3000, seed: 7, endDate: '2026-01-31', days: 31 }, join(cwd, 'big.log'));

  writeFileSync(
    join(cwd, 'payload.json'),
    JSON.stringify(
      wechatEnvelope({ msgId: '4000000000001', time: at('2026-01-25T12:00:00Z'), content: 'via webhook' }),
    ),
  );
  writeFileSync(
    join(cwd, 'weekly-report.sql'),
    'SELECT conversation_id, count(*) AS n FROM messages GROUP BY 1 ORDER BY 2 DESC;\n' +
      'SELECT kind, count(*) AS n FROM messages GROUP BY 1 ORDER BY 1;\n',
  );
  writeFileSync(join(cwd, 'chatlake.json'), `${JSON.stringify({ logLevel: 'warn', hotMaxRows: 5000 })}\n`);
}
