import type { ResolvedConfig } from '../config/resolved-config.js';
import { apiModule } from '../platforms/api/api-module.js';
import type {
  PlatformModule,
  PlatformOptionDeclaration,
  PlatformOptions,
} from '../platforms/platform-module.js';
import { PlatformRegistry } from '../platforms/platform-registry.js';
import { wechatModule } from '../platforms/wechat/wechat-module.js';

/** The platforms chatlake knows: the one place that names them. The first file module is the default. */
export const PLATFORM_MODULES: readonly PlatformModule[] = [wechatModule, apiModule];

/** Names of the platforms read from files (`ingest --platform`, `quarantine retry --platform`). */
export function filePlatformNames(): string[] {
  return new PlatformRegistry(PLATFORM_MODULES).fileNames();
}

/** The file endings `ingest` reads directories for, e.g. "*.jsonl, *.log" (help texts). */
export function fileEndingsText(): string {
  return new PlatformRegistry(PLATFORM_MODULES)
    .fileEndings()
    .map((e) => `*${e}`)
    .join(', ');
}

/** Names of every platform messages are stored under (`query --platform`, `get --platform`, id prefixes). */
export function platformNames(): string[] {
  return PLATFORM_MODULES.map((m) => m.name);
}

/** The default file platform (the first), for help texts: its name, title and example source. */
export function examplePlatform(): PlatformModule {
  return new PlatformRegistry(PLATFORM_MODULES).sniff('');
}

/** The modules with an HTTP receiver (`POST /webhook/NAME`). */
export function webhookModules(): PlatformModule[] {
  return PLATFORM_MODULES.filter((m) => m.receiver !== undefined);
}

/** The options the platforms declare (the built-in ones, and any given): config resolves them by these. */
export function platformOptionDeclarations(
  extra: readonly PlatformModule[] = [],
): PlatformOptionDeclaration[] {
  return [...PLATFORM_MODULES, ...extra].flatMap((m) => m.options ?? []);
}

/** The lake's registry: the modules (the built-in ones, and any given, e.g. by a test) with the lake's options. */
export function platformRegistry(
  config: Pick<ResolvedConfig, 'platformOptions'>,
  extra: readonly PlatformModule[] = [],
): PlatformRegistry {
  const modules = [...PLATFORM_MODULES, ...extra];
  const options = (m: PlatformModule): PlatformOptions =>
    Object.fromEntries((m.options ?? []).map((o) => [o.key, config.platformOptions[o.setting]?.value ?? []]));
  return new PlatformRegistry(modules, Object.fromEntries(modules.map((m) => [m.name, options(m)])));
}
