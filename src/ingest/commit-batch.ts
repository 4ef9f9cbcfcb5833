import type {
  Catalog,
  Checkpoint,
  ContactRow,
  ConversationRow,
  NewDataFile,
  NewQuarantine,
  RevocationRow,
} from '../catalog/catalog.js';
import type { Contact } from '../core/contact.js';
import { type Dataset, type LakeRecord, recordKey, recordTime } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import type { Message } from '../core/message.js';
import type { LakeWriter, StagedRow, WrittenFile } from '../lake/lake-writer.js';
import type { Pending, SchemaTracker } from './schema-tracker.js';

export interface BatchDeps {
  catalog: Catalog;
  writer: LakeWriter;
  localDay: LocalDay;
  schema: SchemaTracker;
}

export interface Batch {
  taskId: number | null;
  records: readonly LakeRecord[];
  quarantine: readonly NewQuarantine[];
  fields: Record<Dataset, ReadonlySet<string>>;
  /** The source bytes this batch covers, for lineage; null when the records did not come from a source. */
  lineage: { sourceId: number; start: number; end: number } | null;
  checkpoint: Checkpoint | null;
  /** Quarantine entries this batch re-decoded successfully. */
  resolvesQuarantine?: readonly number[];
}

export interface BatchOutcome {
  stored: Record<Dataset, number>;
  duplicates: number;
  quarantined: number;
  files: number;
}

/**
 * Stores one batch exactly once and atomically: claims identities, writes Parquet for the new records only,
 * registers the files, and advances the checkpoint, all in one catalog transaction. If anything fails the
 * transaction rolls back and the files just written are deleted; after a crash they are orphans that
 * cleanup removes. Either way nothing becomes visible twice or half.
 */
export async function commitBatch(deps: BatchDeps, batch: Batch): Promise<BatchOutcome> {
  const { catalog, writer, localDay, schema } = deps;
  const unique = dedupeInBatch(batch.records);
  let duplicates = batch.records.length - unique.length;
  const written: WrittenFile[] = [];
  const pending: Pending[] = [];
  const outcome = await catalog
    .write(async (tx) => {
      const stored: Record<Dataset, number> = { messages: 0, contacts: 0, events: 0 };
      const files: NewDataFile[] = [];
      const conversations = new Map<string, ConversationRow>();
      const contacts = new Map<string, ContactRow>();
      const revocations: RevocationRow[] = [];
      for (const [dataset, records] of groupByDataset(unique)) {
        const staged: StagedRow<unknown>[] = [];
        for (const [platform, group] of groupByPlatform(records)) {
          const claims = group.map((r) => ({ key: recordKey(r), partition: localDay.dayOf(recordTime(r)) }));
          const fresh = await tx.claimKeys(dataset, platform, claims);
          group.forEach((r, i) => {
            if (!fresh.has(claims[i]!.key)) {
              duplicates++;
              return;
            }
            staged.push({ partition: claims[i]!.partition, time: recordTime(r), record: r.record });
            if (r.dataset === 'messages') noteMessage(r.record, conversations, revocations);
            else if (r.dataset === 'contacts') noteContact(r.record, contacts);
          });
        }
        if (staged.length === 0) continue;
        stored[dataset] = staged.length;
        const version = await schema.versionFor(tx, dataset, batch.fields[dataset]);
        pending.push(version);
        for (const f of await writer.write(dataset, staged)) {
          written.push(f);
          files.push({ ...f, schemaVersion: version.version });
        }
      }
      const ids = await tx.addDataFiles(files, batch.taskId);
      if (batch.lineage) {
        const { sourceId, start, end } = batch.lineage;
        await tx.addLineage(
          ids.map((dataFileId) => ({ dataFileId, sourceId, startOffset: start, endOffset: end })),
        );
      }
      await tx.touchConversations([...conversations.values()]);
      await tx.upsertContacts([...contacts.values()]);
      await tx.addRevocations(revocations);
      await tx.addQuarantine(batch.quarantine, batch.taskId);
      if (batch.resolvesQuarantine) await tx.setQuarantineStatus(batch.resolvesQuarantine, 'resolved');
      if (batch.checkpoint) await tx.saveCheckpoint(batch.checkpoint);
      return { stored, duplicates, quarantined: batch.quarantine.length, files: files.length };
    })
    .catch(async (error) => {
      await writer.discard(written);
      throw error;
    });
  schema.commit(pending);
  return outcome;
}

function dedupeInBatch(records: readonly LakeRecord[]): LakeRecord[] {
  const seen = new Set<string>();
  const out: LakeRecord[] = [];
  for (const r of records) {
    const id = `${r.dataset}\u0000${r.record.platform}\u0000${recordKey(r)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(r);
  }
  return out;
}

function groupByDataset(records: readonly LakeRecord[]): Map<Dataset, LakeRecord[]> {
  const out = new Map<Dataset, LakeRecord[]>();
  for (const r of records) {
    const list = out.get(r.dataset);
    if (list) list.push(r);
    else out.set(r.dataset, [r]);
  }
  return out;
}

function groupByPlatform(records: readonly LakeRecord[]): Map<string, LakeRecord[]> {
  const out = new Map<string, LakeRecord[]>();
  for (const r of records) {
    const list = out.get(r.record.platform);
    if (list) list.push(r);
    else out.set(r.record.platform, [r]);
  }
  return out;
}

function noteMessage(
  m: Message,
  conversations: Map<string, ConversationRow>,
  revocations: RevocationRow[],
): void {
  if (m.kind === 'revoke' && m.refMessageId) {
    revocations.push({
      platform: m.platform,
      messageId: m.refMessageId,
      revokeId: m.messageId,
      revokedAt: m.sentAt,
    });
  }
  if (m.kind === 'status') return;
  const key = `${m.platform}\u0000${m.conversationId}`;
  const c = conversations.get(key);
  if (!c) {
    conversations.set(key, {
      platform: m.platform,
      conversationId: m.conversationId,
      isGroup: m.isGroup,
      firstAt: m.sentAt,
      lastAt: m.sentAt,
      messageCount: 1,
    });
    return;
  }
  c.messageCount++;
  if (m.sentAt < c.firstAt) c.firstAt = m.sentAt;
  if (m.sentAt > c.lastAt) c.lastAt = m.sentAt;
}

function noteContact(c: Contact, contacts: Map<string, ContactRow>): void {
  const key = `${c.platform}\u0000${c.contactId}`;
  const prev = contacts.get(key);
  if (prev && prev.observedAt > c.observedAt) return;
  contacts.set(key, {
    platform: c.platform,
    contactId: c.contactId,
    accountId: c.accountId,
    contactType: c.contactType,
    alias: c.alias,
    nickname: c.nickname,
    remark: c.remark,
    memberCount: c.memberCount,
    deleted: c.change === 'delete',
    observedAt: c.observedAt,
  });
}
