import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../support/temp-dir.js';
import { wechatEnvelope } from '../support/wechat-envelope.js';

/**
 * Bad flag values, property-based (fast-check), through `main()` in-process (a child process per run would
 * take ~1 s each): every value flag of every command (but `serve`, which would serve on a valid one, and the
 * path flags --data-dir/--output, which would write where a random path points), with random and nasty
 * values. No run may end in "unexpected error" (exit 70); a refused value names its flag.
 *
 * Seeded: the seed is printed; replay a run with CHATLAKE_FUZZ_SEED=<seed>.
 */

const SEED = Number(process.env.CHATLAKE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const dir = tempDir('chatlake-flag-fuzz-');
const dataDir = join(dir.path, 'data');
const log = join(dir.path, 'in.jsonl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** main() with stdout and stderr captured. */
async function run(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const capture = (add: (s: string) => void) =>
    ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      add(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => done());
      return true;
    }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(
    capture((s) => {
      stdout += s;
    }),
  );
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(
    capture((s) => {
      stderr += s;
    }),
  );
  try {
    const code = await main(['node', 'chatlake', '--data-dir', dataDir, ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** [command words (before the flag), flag, words after the value (a query, ids)]. */
const FLAGS: readonly [string[], string, string[]][] = [
  [['query'], '--dataset', []],
  [['query'], '--from', []],
  [['query'], '--to', []],
  [['query'], '--platform', []],
  [['query'], '--conversation', []],
  [['query'], '--sender', []],
  [['query'], '--type', []],
  [['query'], '--text', []],
  [['query'], '--columns', []],
  [['query'], '--order', []],
  [['query'], '--limit', []],
  [['query'], '--cursor', []],
  [['query'], '--format', []],
  [['get'], '--platform', ['1000000001']],
  [['get'], '--format', ['1000000001']],
  [['sql'], '--format', ['SELECT 1 AS one']],
  [['stats'], '--history', []],
  [['stats'], '--tz', []],
  [['stats'], '--wechat-self', []],
  [['stats'], '--database-url', []],
  [['ingest'], '--platform', [log]],
  [['ingest'], '--batch-mb', [log]],
  [['quarantine', 'list'], '--status', []],
  [['quarantine', 'list'], '--limit', []],
  [['quarantine', 'list'], '--after', []],
  [['quarantine', 'retry'], '--platform', ['--all']],
  [['compact'], '--dataset', []],
  [['compact'], '--partition', []],
  [['compact'], '--min-files', []],
  [['token', 'create'], '--scope', []],
  [['token', 'create'], '--name', []],
];

/** Positional arguments that must be numbers: [command words, words before the value]. */
const ARGUMENTS: readonly string[][] = [
  ['quarantine', 'show'],
  ['quarantine', 'retry'],
  ['token', 'revoke'],
];

const nasty = fc.constantFrom(
  '',
  ' ',
  '-1',
  '-5',
  '0',
  '1',
  '1.5',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '99999999999999999999',
  'abc',
  'DESC',
  'random',
  'null',
  "'; DROP TABLE messages; --",
  '2026-11-23T25:00',
  '2026-02-30',
  '2026-13',
  '9999-12-31',
  '0000-01-01',
  '2026-01-23T10:00+99:99',
  '2026-01-23T23:59:59.999Z',
  'Asia/Nowhere',
  'postgres://',
  '\u0000',
  '𝄞',
  '../../etc/passwd',
);

const value = fc.oneof(
  nasty,
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16)),
);

describe('CLI flags, fuzzed (in-process main())', () => {
  beforeAll(async () => {
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify(
        wechatEnvelope({ msgId: `100000000${i}`, time: 1_769_000_000 + i * 3600, content: `hi ${i}` }),
      ),
    );
    writeFileSync(log, `${lines.join('\n')}\nnot json\n`);
    const first = await run(['ingest', log, '--json']);
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(() => dir.remove());

  it('no flag value ends in "unexpected error" (exit 70); a refused one names its flag', async () => {
    console.log(`flag fuzz seed: ${SEED} (replay with CHATLAKE_FUZZ_SEED=${SEED})`);
    const exits = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FLAGS), value, async ([words, flag, after], v) => {
        const r = await run([...words, flag, v, ...after]);
        exits.set(r.code, (exits.get(r.code) ?? 0) + 1);
        expect(r.stderr).not.toContain('unexpected error');
        expect(r.code).not.toBe(70);
        if (r.code === 2) expect(r.stderr).toContain(flag);
      }),
      { seed: SEED, numRuns: 200 },
    );
    // The nasty values are mostly refused: the property did exercise both paths.
    expect(exits.get(2) ?? 0).toBeGreaterThan(0);
    expect(exits.get(0) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('numeric arguments (quarantine show/retry, token revoke) refuse what is not an id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ARGUMENTS), value, async (words, v) => {
        const r = await run([...words, '--', v]);
        expect(r.stderr).not.toContain('unexpected error');
        expect(r.code).not.toBe(70);
        if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
          expect(r.code).toBe(2);
          expect(r.stderr).toContain("argument 'id");
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  }, 60_000);
});
