import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** A pending key older than this is taken to belong to a request that died, and may be retried. */
const STALE_PENDING_MS = 30_000;

/**
 * Idempotency-Key semantics: the first request with a key runs and its response is stored; the same key
 * with the same body gets that response again; with another body, 422; while the first is still running,
 * 409. Keys live at least `ttlMs`.
 */
export class Idempotency {
  constructor(
    private readonly catalog: Catalog,
    private readonly ttlMs: number,
  ) {}

  async run(
    scope: string,
    key: string,
    body: unknown,
    fn: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    if (key.length === 0 || key.length > 255) {
      throw new ChatlakeError('invalid_argument', 'Idempotency-Key must be 1–255 characters');
    }
    const hash = createHash('sha256')
      .update(JSON.stringify(body ?? null))
      .digest('hex');
    const now = Date.now();
    const existing = await this.catalog.write((tx) => tx.claimIdempotency(scope, key, hash, now));
    if (existing) {
      if (existing.requestHash !== hash) {
        throw new ChatlakeError(
          'unprocessable',
          'this Idempotency-Key was used with a different request body',
        );
      }
      if (existing.status === 'done') {
        return { status: existing.responseStatus!, body: JSON.parse(existing.responseBody!), replayed: true };
      }
      if (now - existing.createdAt < STALE_PENDING_MS) {
        throw new ChatlakeError('conflict', 'a request with this Idempotency-Key is still in progress');
      }
    }
    try {
      const response = await fn();
      await this.catalog.write((tx) =>
        tx.completeIdempotency(scope, key, response.status, JSON.stringify(response.body)),
      );
      return { ...response, replayed: false };
    } catch (error) {
      await this.catalog.write((tx) => tx.releaseIdempotency(scope, key)).catch(() => {});
      throw error;
    }
  }

  purge(): Promise<number> {
    return this.catalog.write((tx) => tx.purgeIdempotency(Date.now() - this.ttlMs));
  }
}
