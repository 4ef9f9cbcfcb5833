import { createHash } from 'node:crypto';

/** The first link's predecessor in the audit chain. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** One link of the audit chain: covers the previous hash and every field of the entry. */
export function auditHash(
  prevHash: string,
  e: { at: number; actor: string; action: string; target: string; detail: string },
): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, e.at, e.actor, e.action, e.target, e.detail]))
    .digest('hex');
}
