import type { Command } from 'commander';
import type { ConfigFlags } from '../config/resolved-config.js';

/** The program-wide flags (--data-dir, --tz, --database-url) as config flags, from any subcommand. */
export function globalFlags(command: Command): ConfigFlags {
  const opts = command.optsWithGlobals() as { dataDir?: string; tz?: string; databaseUrl?: string };
  return { dataDir: opts.dataDir, tz: opts.tz, databaseUrl: opts.databaseUrl };
}
