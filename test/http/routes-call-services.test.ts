import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const HTTP = join(import.meta.dirname, '../../src/http');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// Issue 13 part 4: routes call services, never the catalog, and nothing below app/ knows the `Lake`.
describe('the HTTP layer', () => {
  it('reaches neither the catalog nor the Lake: no import of catalog/ or app/, no catalog member', () => {
    const offending = files(HTTP)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        const name = relative(HTTP, f);
        const found: string[] = [];
        if (/from '(\.\.\/)+(catalog|app)\//.test(text)) found.push(`${name}: imports catalog/ or app/`);
        if (/\.catalog\b|\.lake\b/.test(text)) found.push(`${name}: uses .catalog or .lake`);
        return found;
      });
    expect(offending).toEqual([]);
  });
});
