import type { Migration } from 'kysely';
import type { DialectTraits } from '../dialect-traits.js';
import { initial } from './001-initial.js';
import { service } from './002-service.js';
import { hotAgeIndex } from './003-hot-age-index.js';
import { lakeSettings } from './004-lake-settings.js';
import { quarantineIdentity } from './005-quarantine-identity.js';
import { sourceCursors } from './006-source-cursors.js';

/** Every catalog migration in order; names sort in the order they apply. */
export function migrations(traits: DialectTraits): Record<string, Migration> {
  return {
    '001-initial': initial(traits),
    '002-service': service(traits),
    '003-hot-age-index': hotAgeIndex(),
    '004-lake-settings': lakeSettings(),
    '005-quarantine-identity': quarantineIdentity(),
    '006-source-cursors': sourceCursors(),
  };
}
