import type { ResolvedConfig } from '../config/resolved-config.js';
import { apiModule } from '../platforms/api/api-module.js';
import type { PlatformModule } from '../platforms/platform-module.js';
import { PlatformRegistry } from '../platforms/platform-registry.js';
import { WECHAT_SELF_OPTION, wechatModule } from '../platforms/wechat/wechat-module.js';

/** The platforms chatlake knows: the one place that names them. The first file module is the default. */
export const PLATFORM_MODULES: readonly PlatformModule[] = [wechatModule, apiModule];

/** Names of the platforms read from files (`ingest --platform`, `quarantine retry --platform`). */
export function filePlatformNames(): string[] {
  return new PlatformRegistry(PLATFORM_MODULES).fileNames();
}

/** The lake's registry: the modules (the built-in ones, and any given, e.g. by a test) with the lake's options. */
export function platformRegistry(
  config: Pick<ResolvedConfig, 'wechatSelf'>,
  extra: readonly PlatformModule[] = [],
): PlatformRegistry {
  return new PlatformRegistry([...PLATFORM_MODULES, ...extra], {
    [wechatModule.name]: { [WECHAT_SELF_OPTION]: config.wechatSelf },
  });
}
