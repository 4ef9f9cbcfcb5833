import type { ConversationRow, KeyClaim, NewDataFile } from '../../src/catalog/catalog.js';
import { Rng } from '../data/rng.js';

/** One batch as commitBatch hands it to the catalog: identity claims, plus what the new rows touch. */
export interface MessageBatch {
  claims: KeyClaim[];
  /** Per claim: its conversation and send time, for the files and conversation rows of the fresh ones. */
  rows: { conversation: string; sentAt: number }[];
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);

/**
 * Seeded message batches: 19-digit WeChat-style ids, `rooms` conversations, times spread over `days` days, and
 * a share of re-deliveries (ids of earlier batches) that the claim must report as duplicates.
 */
export function* messageBatches(opts: {
  batches: number;
  size: number;
  rooms: number;
  days: number;
  redeliveryRate: number;
  seed: number;
}): Generator<MessageBatch> {
  const rng = new Rng(opts.seed);
  const recent: string[] = [];
  for (let b = 0; b < opts.batches; b++) {
    const claims: KeyClaim[] = [];
    const rows: MessageBatch['rows'] = [];
    const inBatch = new Set<string>(); // commitBatch drops repeats within a batch before claiming
    while (claims.length < opts.size) {
      const redelivery = b > 0 && rng.chance(opts.redeliveryRate);
      const key = redelivery ? recent[rng.int(recent.length)]! : `${1 + rng.int(9)}${rng.digits(18)}`;
      if (inBatch.has(key)) continue;
      inBatch.add(key);
      const sentAt = START + rng.int(opts.days * DAY_MS);
      claims.push({ key, partition: new Date(sentAt).toISOString().slice(0, 10) });
      rows.push({ conversation: `room${rng.int(opts.rooms)}@chatroom`, sentAt });
    }
    for (const c of claims) recent.push(c.key);
    if (recent.length > 100_000) recent.splice(0, recent.length - 100_000);
    yield { claims, rows };
  }
}

/** What commitBatch registers for the fresh rows: one data file per partition, conversation coverage. */
export function batchEffects(
  batch: MessageBatch,
  fresh: ReadonlySet<string>,
  batchNo: number,
): { files: NewDataFile[]; conversations: ConversationRow[] } {
  const files = new Map<string, NewDataFile>();
  const conversations = new Map<string, ConversationRow>();
  batch.claims.forEach((claim, i) => {
    if (!fresh.has(claim.key)) return;
    const { conversation, sentAt } = batch.rows[i]!;
    const f = files.get(claim.partition);
    if (f) {
      f.rows++;
      f.bytes += 180;
      f.minTime = Math.min(f.minTime, sentAt);
      f.maxTime = Math.max(f.maxTime, sentAt);
    } else {
      files.set(claim.partition, {
        dataset: 'messages',
        partition: claim.partition,
        path: `messages/day=${claim.partition}/part-${batchNo}.parquet`,
        rows: 1,
        bytes: 180,
        minTime: sentAt,
        maxTime: sentAt,
        schemaVersion: 1,
      });
    }
    const c = conversations.get(conversation);
    if (c) {
      c.messageCount++;
      c.firstAt = Math.min(c.firstAt, sentAt);
      c.lastAt = Math.max(c.lastAt, sentAt);
    } else {
      conversations.set(conversation, {
        platform: 'wechat',
        conversationId: conversation,
        isGroup: true,
        firstAt: sentAt,
        lastAt: sentAt,
        messageCount: 1,
      });
    }
  });
  return { files: [...files.values()], conversations: [...conversations.values()] };
}
