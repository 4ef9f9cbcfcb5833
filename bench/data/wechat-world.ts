import { Rng } from './rng.js';

export interface Conversation {
  group: boolean;
  /** from_username: the room id for groups, the peer otherwise. */
  from: string;
  chatroom: string;
  sender: string;
  senderName: string;
}

const NICKNAMES = [
  '张伟',
  '王芳',
  'Alice',
  'Bob',
  '李娜',
  '小明',
  'Κώστας',
  '🐱猫猫',
  'Sam Lee',
  '刘洋',
  '陈静',
  'Zoë',
  '老王 🍺',
  '杨帆',
  'José',
  '赵磊',
];
const MSG_ID_BASE = 7_000_000_000_000_000_000n;
const BAD_ID_BASE = 8_000_000_000_000_000_000n;
const ID_SPACE = 1_000_000_000_000_000_000n;
const ID_STRIDE = 386_936_224_736_473_129n;
const ID_SHIFT = 218_503_113_970_652_211n;

/** Message indices a seed owns: seed s numbers its messages from (s - 1) × 10^12. */
const SEED_INDICES = 1_000_000_000_000n;

/**
 * 19-digit msg_id of message index i of a run with this seed: a bijection of (seed, i), so distinct indices
 * never collide, and runs with different seeds (1 to 10^6, under 10^12 messages each) share no id. Seed 1
 * (the default) gives the ids it always gave.
 */
export function msgIdOf(i: number, seed = 1): string {
  return String(MSG_ID_BASE + scatter(i, seed));
}

/** msg_ids for malformed lines: a separate range that never meets msgIdOf. */
export function badMsgIdOf(i: number, seed = 1): string {
  return String(BAD_ID_BASE + scatter(i, seed));
}

function scatter(i: number, seed: number): bigint {
  const index = BigInt(i) + BigInt(((seed >>> 0) + 0xffffffff) % 0x100000000) * SEED_INDICES;
  return (index * ID_STRIDE + ID_SHIFT) % ID_SPACE;
}

/** The fixed cast of a synthetic run: bot account, chatrooms, senders. Derived from the seed only. */
export class WechatWorld {
  readonly bot: string;
  readonly guid: string;
  private readonly rooms: string[] = [];
  private readonly roomSizes = new Map<string, number>();
  private readonly senders: string[] = [];
  private readonly names: string[] = [];

  constructor(
    readonly seed: number,
    roomCount: number,
    senderCount: number,
  ) {
    const rng = Rng.for(seed, 0xb07);
    this.bot = `wxid_bot${rng.base36(10)}`;
    this.guid = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;
    for (let k = 0; k < Math.max(1, roomCount); k++) {
      this.rooms.push(`${rng.digits(11)}@chatroom`);
      this.roomSizes.set(this.rooms[k]!, rng.range(3, 500));
    }
    for (let k = 0; k < Math.max(1, senderCount); k++) {
      const r = rng.next();
      this.senders.push(
        r < 0.9
          ? `wxid_${rng.base36(14)}`
          : r < 0.97
            ? `${rng.pick(ALIASES)}${rng.int(10000)}`
            : `wxid_${rng.base36(12)}12`,
      );
      this.names.push(`${rng.pick(NICKNAMES)}${rng.chance(0.5) ? '' : rng.int(100)}`);
    }
  }

  roomSize(room: string): number {
    return this.roomSizes.get(room) ?? 2;
  }

  /** Who talks where in message i: a pure function of (seed, i), so later messages can refer to it. */
  conversationOf(i: number): Conversation {
    const rng = Rng.for(this.seed, 0xc0, i);
    const sk = Math.floor(this.senders.length * rng.next() ** 2);
    const sender = this.senders[sk]!;
    const senderName = this.names[sk]!;
    if (rng.chance(0.7)) {
      const room = this.rooms[Math.floor(this.rooms.length * rng.next() ** 1.5)]!;
      return { group: true, from: room, chatroom: room, sender, senderName };
    }
    const r = rng.next();
    const from = r < 0.03 ? `gh_${rng.hex(12)}` : r < 0.04 ? 'filehelper' : sender;
    return { group: false, from, chatroom: '', sender: from, senderName };
  }
}

const ALIASES = ['alice_', 'bob-', 'sunny', 'kk_', 'MrZhang'];
