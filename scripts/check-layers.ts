import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The layers of src/, lowest first. A file may import from its own layer or a lower one, never a higher one.
 * `app/` is the composition root (it opens the lake and wires everything); `cli/` and the library entry
 * `index.ts` are the front ends above it.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['config', 'platforms'],
  ['catalog', 'lake'],
  ['ingest', 'query', 'stats'],
  ['jobs', 'service'],
  ['http'],
  ['app'],
  ['cli'],
  ['index.ts'],
];

/** The REST API's own messages: the folder of the platform that service/ and http/ write (`chatlake:` ids). */
const REST_API_PLATFORM = 'api';

export interface LayerViolation {
  file: string;
  imports: string;
  why: string;
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Every relative import in src/ that runs up the layers, or reaches into a platform's folder from outside app/
 * (service/ and http/ may import the REST API's own platform folder).
 */
export function layerViolations(srcDir: string): LayerViolation[] {
  const src = resolve(srcDir);
  const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));
  const top = (path: string) => relative(src, path).split(/[\\/]/)[0] ?? '';
  const out: LayerViolation[] = [];
  for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    const file = join(src, f);
    const from = top(file);
    const fromRank = rank.get(from);
    const name = relative(src, file).split('\\').join('/');
    if (fromRank === undefined) {
      out.push({
        file: name,
        imports: '',
        why: `src/${from} is in no layer: add it to LAYERS (scripts/check-layers.ts)`,
      });
      continue;
    }
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), spec!);
      const to = top(target);
      const toRank = rank.get(to.replace(/\.js$/, '.ts'));
      if (toRank === undefined || toRank > fromRank) {
        out.push({
          file: name,
          imports: spec!,
          why: `${from} (layer ${fromRank}) imports ${to} (layer ${toRank ?? '?'})`,
        });
      }
      const platform = relative(src, target).split(/[\\/]/);
      const inPlatform = platform[0] === 'platforms' && platform.length > 2 ? platform[1] : undefined;
      const own = name.startsWith(`platforms/${inPlatform}/`);
      const restApi = inPlatform === REST_API_PLATFORM && (from === 'service' || from === 'http');
      if (inPlatform && from !== 'app' && !own && !restApi) {
        out.push({
          file: name,
          imports: spec!,
          why: `only app/ names a platform's module (platforms/${inPlatform}/)`,
        });
      }
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const found = layerViolations(join(import.meta.dirname, '../src'));
  for (const v of found) console.log(`${v.file}: ${v.imports ? `'${v.imports}' — ` : ''}${v.why}`);
  console.log(found.length === 0 ? 'layers: every import runs down' : `layers: ${found.length} violation(s)`);
  process.exitCode = found.length === 0 ? 0 : 1;
}
