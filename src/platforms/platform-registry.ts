import { ChatlakeError } from '../core/errors.js';
import type { PlatformAdapter } from './platform-adapter.js';
import type { PlatformModule, PlatformOptions } from './platform-module.js';

/** The platforms a lake knows, with their options: the only list of them (built in app/platforms.ts). */
export class PlatformRegistry {
  private readonly decoders = new Map<string, PlatformAdapter>();

  constructor(
    readonly modules: readonly PlatformModule[],
    private readonly options: Readonly<Record<string, PlatformOptions>> = {},
  ) {}

  /** The module of that name; an unknown one is an invalid_argument naming the known ones. */
  module(name: string, what = 'platform'): PlatformModule {
    const found = this.modules.find((m) => m.name === name);
    if (found) return found;
    throw new ChatlakeError(
      'invalid_argument',
      `unknown ${what} "${name}"`,
      `known platforms: ${this.modules.map((m) => m.name).join(', ')}`,
    );
  }

  /** The decoder of a platform, with the lake's options for it (made once). */
  decoder(name: string): PlatformAdapter {
    let decoder = this.decoders.get(name);
    if (!decoder) {
      decoder = this.module(name).decoder(this.options[name] ?? {});
      this.decoders.set(name, decoder);
    }
    return decoder;
  }

  /** Names of the modules read from files and streams (framed by lines). */
  fileNames(): string[] {
    return this.modules.filter((m) => m.framing === 'lines').map((m) => m.name);
  }

  /** The module a source's first bytes belong to: the first that recognises them, else the first file module. */
  sniff(head: string): PlatformModule {
    const files = this.modules.filter((m) => m.framing === 'lines');
    const found = files.find((m) => m.sniff?.(head)) ?? files[0];
    if (!found) throw new ChatlakeError('invalid_argument', 'no platform reads files');
    return found;
  }
}
