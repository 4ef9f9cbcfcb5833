import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodeContext } from '../../../src/platforms/platform-adapter.js';
import { createWechatAdapter, type WechatOptions } from '../../../src/platforms/wechat/wechat-adapter.js';

const dir = join(import.meta.dirname, '../../fixtures/wechat');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.input.txt'))
  .map((f) => f.slice(0, -'.input.txt'.length))
  .sort();

// A fixture is `<name>.input.txt` (one payload) and `<name>.expected.json` (what decode returns), decoded with the
// adapter options in `<name>.options.json` when there is one.
describe('wechat adapter golden fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(50));

  it.each(cases)('%s', (name) => {
    const rawText = readFileSync(join(dir, `${name}.input.txt`), 'utf8');
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8'));
    const ctx: DecodeContext = { rawText, receivedAt: null, fallbackTime: 1767225600000 };
    const options = join(dir, `${name}.options.json`);
    const adapter = createWechatAdapter(
      existsSync(options) ? (JSON.parse(readFileSync(options, 'utf8')) as WechatOptions) : {},
    );
    expect(adapter.decode(JSON.parse(rawText), ctx)).toEqual(expected);
  });
});
