import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

/**
 * Issue 12 item 19: a command loads only the heavy modules it uses. Checked by what a child process that ran
 * `main()` has loaded (native addons from process.report, packages by a resolve hook), not by timing
 * (bench/startup measures the time).
 */
const root = join(import.meta.dirname, '..', '..');
const probe = `
import { register } from 'node:module';
const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (p) => loaded.add(p));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(\`
  let port;
  export function initialize(data) { port = data.port; }
  export async function resolve(spec, context, next) {
    if (!spec.startsWith('.') && !spec.startsWith('node:') && !spec.startsWith('file:') && !spec.startsWith('/'))
      port.postMessage(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    return next(spec, context);
  }\`), { data: { port: port2 }, transferList: [port2] });
const { register: tsx } = await import('tsx/esm/api');
tsx();
const { main } = await import(${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))});
const code = await main(['node', 'chatlake', ...process.argv.slice(1)]);
await new Promise((r) => setTimeout(r, 50));
const addons = process.report.getReport().sharedObjects.filter((o) => o.endsWith('.node'));
process.stderr.write(JSON.stringify({ code, packages: [...loaded], addons }) + '\\n');
`;

function loadedBy(args: string[]): { code: number; packages: string[]; addons: string[] } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe, '--', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`probe failed: ${r.stderr}`);
  return JSON.parse(last);
}

describe('CLI start-up loads what the command uses', () => {
  const dir = tempDir('chatlake-startup-');
  afterAll(() => dir.remove());

  it('--help loads neither DuckDB, Fastify nor a catalog driver', () => {
    const r = loadedBy(['--help']);
    expect(r.code).toBe(0);
    expect(r.packages).toContain('commander');
    for (const heavy of ['@duckdb/node-api', 'fastify', 'better-sqlite3', 'pg', 'kysely'])
      expect(r.packages).not.toContain(heavy);
    expect(r.addons.filter((a) => /duckdb|better_sqlite3/.test(a))).toEqual([]);
  });

  it('stats loads SQLite, not DuckDB, Fastify or pg', () => {
    const dataDir = join(dir.path, 'data');
    expect(loadedBy(['--data-dir', dataDir, 'migrate']).code).toBe(0);
    const r = loadedBy(['--data-dir', dataDir, 'stats']);
    expect(r.code).toBe(0);
    expect(r.packages).toContain('better-sqlite3');
    for (const heavy of ['@duckdb/node-api', 'fastify', 'pg']) expect(r.packages).not.toContain(heavy);
    expect(r.addons.filter((a) => /duckdb/.test(a))).toEqual([]);
  });
});
