import type { AuditRow } from '../catalog/service-catalog.js';
import { AUDIT_GENESIS, auditHash } from '../core/audit-hash.js';

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  /** The first entry whose link does not hold, and why. */
  problem: { id: number; reason: string } | null;
}

/** Walks the hash chain: every entry must hash to its stored hash and point at its predecessor's hash. */
export function verifyAuditChain(rows: readonly AuditRow[]): AuditVerdict {
  let prev = AUDIT_GENESIS;
  let prevId = 0;
  for (const r of rows) {
    if (r.prevHash !== prev) {
      const reason =
        r.id !== prevId + 1
          ? `entries ${prevId + 1}–${r.id - 1} are missing`
          : 'its link to the previous entry is broken';
      return { ok: false, entries: rows.length, problem: { id: r.id, reason } };
    }
    if (auditHash(r.prevHash, r) !== r.hash) {
      return { ok: false, entries: rows.length, problem: { id: r.id, reason: 'its content was altered' } };
    }
    prev = r.hash;
    prevId = r.id;
  }
  return { ok: true, entries: rows.length, problem: null };
}
