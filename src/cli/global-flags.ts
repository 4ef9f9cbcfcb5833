import type { Command } from 'commander';
import type { ConfigFlags } from '../config/resolved-config.js';

/** The program-wide flags (--data-dir, --tz, --database-url, --wechat-self) as config flags, from any subcommand. */
export function globalFlags(command: Command): ConfigFlags {
  const opts = command.optsWithGlobals() as ConfigFlags;
  return {
    dataDir: opts.dataDir,
    tz: opts.tz,
    databaseUrl: opts.databaseUrl,
    wechatSelf: opts.wechatSelf,
  };
}
