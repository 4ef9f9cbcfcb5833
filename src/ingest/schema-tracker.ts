import type { Catalog, CatalogWriter } from '../catalog/catalog.js';
import type { Dataset } from '../core/lake-record.js';
import { schemaText } from '../lake/lake-columns.js';

/**
 * Schema versions: the canonical columns never change shape here, but the payload field sets do.
 * A version is the union of payload fields seen so far; a field never seen before makes a new one.
 */
export class SchemaTracker {
  private constructor(private readonly known: Map<Dataset, { version: number; fields: Set<string> }>) {}

  static async load(catalog: Catalog): Promise<SchemaTracker> {
    const known = new Map<Dataset, { version: number; fields: Set<string> }>();
    for (const row of await catalog.schemaVersions()) {
      known.set(row.dataset, { version: row.version, fields: new Set(JSON.parse(row.fieldSet) as string[]) });
    }
    return new SchemaTracker(known);
  }

  /** The version for rows with these fields, recorded in tx if new. Call `commit` once tx committed. */
  async versionFor(tx: CatalogWriter, dataset: Dataset, seen: ReadonlySet<string>): Promise<Pending> {
    const current = this.known.get(dataset);
    if (current && [...seen].every((f) => current.fields.has(f))) return { dataset, ...current };
    const fields = new Set([...(current?.fields ?? []), ...seen]);
    const version = await tx.schemaVersion(dataset, JSON.stringify([...fields].sort()), schemaText(dataset));
    return { dataset, version, fields };
  }

  commit(pending: readonly Pending[]): void {
    for (const p of pending) this.known.set(p.dataset, { version: p.version, fields: p.fields });
  }
}

export interface Pending {
  dataset: Dataset;
  version: number;
  fields: Set<string>;
}
