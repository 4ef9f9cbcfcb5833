import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { DecodeContext, DecodeResult } from '../../src/platforms/platform-adapter.js';
import type { PlatformModule } from '../../src/platforms/platform-module.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const FALLBACK_TIME = 1767225600000;
const DATASETS = ['messages', 'contacts', 'events'];

/** The golden fixtures of a platform: `test/fixtures/<name>/<case>.input.txt` (+ .expected.json, .options.json). */
export function fixtureCases(name: string): string[] {
  const dir = join(FIXTURES, name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.input.txt'))
    .map((f) => f.slice(0, -'.input.txt'.length))
    .sort();
}

/** What the platform's decoder makes of a fixture (with its options, if it has some). */
export function decodeFixture(module: PlatformModule, name: string): DecodeResult {
  const dir = join(FIXTURES, module.name);
  const rawText = readFileSync(join(dir, `${name}.input.txt`), 'utf8');
  const optionsFile = join(dir, `${name}.options.json`);
  const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {};
  const ctx: DecodeContext = { rawText, receivedAt: null, fallbackTime: FALLBACK_TIME };
  return module.decoder(options).decode(JSON.parse(rawText), ctx);
}

/**
 * The conformance suite every registered platform passes (call inside a describe): its golden fixtures decode
 * to what they expect, and no input makes its decoder (nor its HTTP receiver) throw or return a malformed result.
 */
export function platformConformance(module: PlatformModule): void {
  const cases = fixtureCases(module.name);

  it('has golden fixtures, accepted and rejected ones', () => {
    const results = cases.map((c) => decodeFixture(module, c).ok);
    expect(results).toContain(true);
    expect(results).toContain(false);
  });

  it.each(cases)('fixture %s decodes as expected', (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, module.name, `${name}.expected.json`), 'utf8'));
    expect(decodeFixture(module, name)).toEqual(expected);
  });

  it('never throws on any JSON value, and answers records of its own platform or a reason', () => {
    const decoder = module.decoder({});
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const rawText = JSON.stringify(value) ?? 'null';
        const result = decoder.decode(value, { rawText, receivedAt: null, fallbackTime: FALLBACK_TIME });
        checkResult(module, result);
        decoder.payloadFields?.(value, new Set());
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on objects shaped like its fixtures with values mixed up', () => {
    const decoder = module.decoder({});
    const shapes = cases.map((c) =>
      JSON.parse(readFileSync(join(FIXTURES, module.name, `${c}.input.txt`), 'utf8')),
    );
    const objects = shapes.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
    if (objects.length === 0) return;
    fc.assert(
      fc.property(fc.constantFrom(...objects), fc.dictionary(fc.string(), fc.jsonValue()), (shape, noise) => {
        const keys = Object.keys(shape);
        const value = {
          ...shape,
          ...Object.fromEntries(Object.entries(noise).map(([k, v], i) => [keys[i % keys.length] ?? k, v])),
        };
        const result = decoder.decode(value, {
          rawText: JSON.stringify(value),
          receivedAt: null,
          fallbackTime: 0,
        });
        checkResult(module, result);
      }),
      { numRuns: 500 },
    );
  });

  if (module.receiver) {
    const receiver = module.receiver;
    it('its HTTP receiver never throws on any body text and content type', () => {
      fc.assert(
        fc.property(
          fc.string(),
          fc.constantFrom('', 'application/json', 'application/x-www-form-urlencoded', 'x'),
          (text, type) => {
            receiver.payload(text, type);
          },
        ),
        { numRuns: 500 },
      );
    });
  }
}

function checkResult(module: PlatformModule, result: DecodeResult): void {
  if (!result.ok) {
    expect(typeof result.reason).toBe('string');
    expect(result.reason.length).toBeGreaterThan(0);
    return;
  }
  for (const r of result.records) {
    expect(DATASETS).toContain(r.dataset);
    expect(r.record.platform).toBe(module.name);
    expect(typeof r.record.raw).toBe('string');
  }
}
