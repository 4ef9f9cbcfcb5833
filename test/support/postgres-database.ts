import { inject } from 'vitest';
import { createDatabase } from './postgres-server.js';

/** A fresh database on the test run's PostgreSQL server, for one test. */
export function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createDatabase(inject('postgresUrl'));
}
