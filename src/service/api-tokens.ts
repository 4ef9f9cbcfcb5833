import { createHash, randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import type { TokenRow } from '../catalog/service-catalog.js';
import { ChatlakeError } from '../core/errors.js';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** admin ⊃ write ⊃ read. */
export function grants(scopes: readonly string[], needed: Scope): boolean {
  const rank = (s: string) => SCOPES.indexOf(s as Scope);
  return scopes.some((s) => rank(s) >= rank(needed));
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Bearer tokens: random, shown once, stored only as their sha256. Creating and revoking one is audited in
 * the same transaction.
 */
export class ApiTokens {
  private readonly cache = new Map<string, { row: TokenRow | null; at: number }>();

  constructor(private readonly catalog: Catalog) {}

  async create(name: string, scope: Scope, actor: string): Promise<{ id: number; token: string }> {
    if (!SCOPES.includes(scope)) {
      throw new ChatlakeError('invalid_argument', `unknown scope "${scope}"`, `scopes: ${SCOPES.join(', ')}`);
    }
    const token = `clk_${randomBytes(24).toString('base64url')}`;
    const at = Date.now();
    const id = await this.catalog.write(async (tx) => {
      const id = await tx.addToken({ name, scopes: [scope], tokenHash: hashOf(token), createdAt: at });
      await tx.appendAudit({
        at,
        actor,
        action: 'token.create',
        target: `token:${id}`,
        detail: { name, scope },
      });
      return id;
    });
    return { id, token };
  }

  async revoke(id: number, actor: string): Promise<boolean> {
    const at = Date.now();
    const done = await this.catalog.write(async (tx) => {
      const ok = await tx.revokeToken(id, at);
      if (ok)
        await tx.appendAudit({ at, actor, action: 'token.revoke', target: `token:${id}`, detail: null });
      return ok;
    });
    this.cache.clear();
    return done;
  }

  list(): Promise<TokenRow[]> {
    return this.catalog.tokens();
  }

  /** The live token row for a presented token, or null. Looks are cached for a second. */
  async verify(token: string): Promise<TokenRow | null> {
    const hash = hashOf(token);
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < 1000) return hit.row;
    const row = await this.catalog.tokenByHash(hash);
    const live = row && row.revokedAt === null ? row : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { row: live, at: Date.now() });
    return live;
  }
}
