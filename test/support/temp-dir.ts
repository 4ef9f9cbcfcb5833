import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory per test, removed afterwards unless CHATLAKE_KEEP_TEST_DIRS is set. */
export function tempDir(prefix = 'chatlake-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () =>
      process.env.CHATLAKE_KEEP_TEST_DIRS ? undefined : rmSync(path, { recursive: true, force: true }),
  };
}
