import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodeContext } from '../../../src/platforms/platform-adapter.js';
import { wechatAdapter } from '../../../src/platforms/wechat/wechat-adapter.js';

const dir = join(import.meta.dirname, '../../fixtures/wechat');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.input.txt'))
  .map((f) => f.slice(0, -'.input.txt'.length))
  .sort();

describe('wechat adapter golden fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(50));

  it.each(cases)('%s', (name) => {
    const rawText = readFileSync(join(dir, `${name}.input.txt`), 'utf8');
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8'));
    const ctx: DecodeContext = { rawText, receivedAt: null, fallbackTime: 1767225600000 };
    expect(wechatAdapter.decode(JSON.parse(rawText), ctx)).toEqual(expected);
  });
});
