import type {
  AuditFilter,
  AuditRow,
  IdempotencyRow,
  NewAuditEntry,
  NewToken,
  TokenRow,
} from '../service-catalog.js';

/** API tokens, idempotency keys and the hash-chained audit log. */
export interface TokenAuditStore {
  tokenByHash(hash: string): Promise<TokenRow | null>;
  tokens(): Promise<TokenRow[]>;
  auditLog(): Promise<AuditRow[]>;
  /** A page of the audit log, oldest first: entries after `afterId` matching the filters, at most `limit`. */
  auditEntries(filter: AuditFilter): Promise<AuditRow[]>;
}

export interface TokenAuditWriter {
  addToken(t: NewToken): Promise<number>;
  revokeToken(id: number, at: number): Promise<boolean>;
  /** Inserts a pending key; returns the entry already there instead if the key exists. */
  claimIdempotency(
    scope: string,
    key: string,
    requestHash: string,
    at: number,
  ): Promise<IdempotencyRow | null>;
  completeIdempotency(scope: string, key: string, status: number, body: string): Promise<void>;
  releaseIdempotency(scope: string, key: string): Promise<void>;
  purgeIdempotency(olderThan: number): Promise<number>;
  /** Appends to the hash chain: hash = sha256(prev_hash + the entry). */
  appendAudit(entry: NewAuditEntry): Promise<AuditRow>;
}
