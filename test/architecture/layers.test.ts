import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { layerViolations } from '../../scripts/check-layers.js';
import { tempDir } from '../support/temp-dir.js';

describe('layers (npm run check:layers)', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  it('every import in src/ runs down the layers, and only app/ reaches into a platform folder', () => {
    expect(layerViolations(join(import.meta.dirname, '../../src'))).toEqual([]);
  });

  it('finds an import that runs up, one into a platform folder, and a folder in no layer', () => {
    const dir = tempDir();
    dirs.push(dir);
    const src = dir.path;
    const file = (path: string, text: string) => {
      mkdirSync(join(src, path, '..'), { recursive: true });
      writeFileSync(join(src, path), text);
    };
    file('core/a.ts', "import { b } from '../http/b.js';\nexport const a = b;\n");
    file('http/b.ts', "export const b = 1;\nexport { c } from '../core/c.js';\n");
    file('core/c.ts', 'export const c = 1;\n');
    file('query/d.ts', "import { w } from '../platforms/wechat/w.js';\nexport const d = w;\n");
    file('platforms/wechat/w.ts', "import { p } from '../p.js';\nexport const w = p;\n");
    file('platforms/p.ts', 'export const p = 1;\n');
    file('app/e.ts', "import { w } from '../platforms/wechat/w.js';\nimport { b } from '../http/b.js';\n");
    file('misc/f.ts', 'export const f = 1;\n');
    expect(layerViolations(src).map((v) => `${v.file} ${v.imports}`)).toEqual([
      'core/a.ts ../http/b.js',
      'misc/f.ts ',
      'query/d.ts ../platforms/wechat/w.js',
    ]);
  });
});
