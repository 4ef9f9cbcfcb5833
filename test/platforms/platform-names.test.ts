import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_MODULES } from '../../src/app/platforms.js';
import { API_PLATFORM } from '../../src/platforms/api/api-message.js';

const SRC = join(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * No file outside src/platforms/<name>/ and src/app/ names a platform (issue 13 part 1): lists of platforms,
 * their options (flags, env vars, settings), help examples and titles all come from the modules at run time.
 */
describe('platform names stay in their modules', () => {
  it('no file outside src/platforms/<name>/ and src/app/ names a platform', () => {
    // The API's platform is named "chatlake" like the project itself: its name is not searchable.
    const names = PLATFORM_MODULES.map((m) => m.name).filter((n) => n !== API_PLATFORM);
    expect(names.length).toBeGreaterThan(0);
    const naming = files(SRC)
      .map((f) => relative(SRC, f).split('\\').join('/'))
      .filter((f) => !f.startsWith('app/') && !names.some((n) => f.startsWith(`platforms/${n}/`)))
      .filter((f) => {
        const text = readFileSync(join(SRC, f), 'utf8').toLowerCase();
        return names.some((n) => text.includes(n));
      })
      .sort();
    expect(naming).toEqual([]);
  });
});
