import { ChatlakeError } from '../core/errors.js';
import type { PlatformAdapter } from './platform-adapter.js';
import { DEFAULT_FILE_ENDINGS, type PlatformModule, type PlatformOptions } from './platform-module.js';

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

  /** Names of the modules read from files and streams (framed by lines, or whole). */
  fileNames(): string[] {
    return this.files().map((m) => m.name);
  }

  /** The file endings a directory input is read for: those of the platform named, or of every file platform. */
  fileEndings(name?: string): string[] {
    const modules = name === undefined ? this.files() : [this.module(name)];
    return [...new Set(modules.flatMap((m) => m.fileEndings ?? DEFAULT_FILE_ENDINGS[m.framing]))];
  }

  /** The module a source's first bytes belong to: the first that recognises them, else the first file module. */
  sniff(head: string): PlatformModule {
    const files = this.files();
    const found = files.find((m) => m.sniff?.(head)) ?? files[0];
    if (!found) throw new ChatlakeError('invalid_argument', 'no platform reads files');
    return found;
  }

  private files(): PlatformModule[] {
    return this.modules.filter((m) => m.framing !== 'batch');
  }
}
