import type { Dataset } from '../../core/lake-record.js';
import type { SchemaVersionRow } from '../catalog.js';

/** The field sets each dataset's files were written with, numbered per dataset. */
export interface SchemaVersionStore {
  schemaVersions(dataset?: Dataset): Promise<SchemaVersionRow[]>;
}

export interface SchemaVersionWriter {
  /** The version of this field set, recording a new version if it was never seen. */
  schemaVersion(dataset: Dataset, fieldSet: string, columns: string): Promise<number>;
}
