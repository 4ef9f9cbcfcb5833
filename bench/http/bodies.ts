import { generateWechatLogBuffer, type WechatLogOptions } from '../data/wechat-log.js';
import { msgIdOf } from '../data/wechat-world.js';

/** Only unique 1010 messages, one envelope per line: what the webhook upstream posts, one per request. */
export const CLEAN: Partial<WechatLogOptions> = {
  shape: 'raw',
  contactRate: 0,
  redeliveryRate: 0,
  malformedRate: 0,
  eventRate: 0,
  blankRate: 0,
  listIds: false,
};

/** `count` webhook bodies (message indices startIndex…), seeded: the same run posts the same bytes. */
export async function webhookBodies(
  count: number,
  opts: Partial<WechatLogOptions> & { startIndex: number },
): Promise<string[]> {
  const { data } = await generateWechatLogBuffer({ ...CLEAN, ...opts, messages: count });
  const lines = data.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== count) throw new Error(`expected ${count} bodies, got ${lines.length}`);
  return lines;
}

/**
 * An endless source of distinct bodies over a pool made by `webhookBodies` with the same `startIndex` and
 * `seed`: body i is pool[i % n] with its msg_id made msgIdOf(startIndex + i, seed), so ids never repeat however
 * long a run goes.
 */
export class BodySource {
  private next = 0;

  constructor(
    private readonly pool: readonly string[],
    private readonly startIndex: number,
    private readonly seed = 1,
  ) {}

  get taken(): number {
    return this.next;
  }

  take(): { body: string; msgId: string } {
    const i = this.next++;
    const base = this.pool[i % this.pool.length]!;
    const msgId = msgIdOf(this.startIndex + i, this.seed);
    if (i < this.pool.length) return { body: base, msgId };
    const old = msgIdOf(this.startIndex + (i % this.pool.length), this.seed);
    return { body: base.replace(`"msg_id":"${old}"`, `"msg_id":"${msgId}"`), msgId };
  }
}

/** The conversation the WeChat adapter files a generated body under. */
export function conversationOf(body: string): string {
  const data = (JSON.parse(body) as { data: { chatroom?: string; from_username: string } }).data;
  return data.chatroom || data.from_username;
}
