import type { Catalog, Checkpoint, NewDataFile, NewQuarantine } from '../catalog/catalog.js';
import { type Dataset, type LakeRecord, recordKey, recordTime } from '../core/lake-record.js';
import type { LocalDay } from '../core/local-day.js';
import type { LakeWriter, StagedRow, WrittenFile } from '../lake/lake-writer.js';
import { RecordEffects } from './record-effects.js';
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
      const effects = new RecordEffects();
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
            effects.note(r);
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
      await effects.apply(tx);
      await tx.addQuarantine(batch.quarantine, batch.taskId);
      if (batch.resolvesQuarantine) await tx.setQuarantineStatus(batch.resolvesQuarantine, 'resolved');
      if (batch.checkpoint) await tx.saveCheckpoint(batch.checkpoint);
      return { stored, duplicates, quarantined: batch.quarantine.length, files: files.length };
    })
    .catch(async (error) => {
      await writer.discardUnregistered(catalog, written);
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
