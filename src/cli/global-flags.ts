import { type Command, Option } from 'commander';
import { platformOptionDeclarations } from '../app/platforms.js';
import type { ConfigFlags } from '../config/resolved-config.js';

/**
 * The commands that only read the lake (as "parent command" paths): on a directory with no lake they say so
 * instead of creating an empty one, and they save no settings.
 */
export const READ_ONLY_COMMANDS: readonly string[] = [
  'query',
  'get',
  'sql',
  'stats',
  'duplicates',
  'validate',
  'quarantine list',
  'quarantine show',
  'token list',
  'audit list',
  'audit verify',
];

/** The program-wide flags of the platforms' options (`--<flag> <list>`), declared by their modules. */
export function platformOptionFlags(): Option[] {
  return platformOptionDeclarations().map((o) => new Option(`${o.flag} ${o.placeholder}`, o.description));
}

/**
 * The program-wide flags (--data-dir, --tz, --database-url, the platforms' options) as config flags, from any
 * subcommand, with `readOnly` set for the commands in READ_ONLY_COMMANDS.
 */
export function globalFlags(command: Command): ConfigFlags {
  const opts = command.optsWithGlobals() as ConfigFlags & Record<string, string | undefined>;
  return {
    dataDir: opts.dataDir,
    tz: opts.tz,
    databaseUrl: opts.databaseUrl,
    platformOptions: Object.fromEntries(
      platformOptionDeclarations().map((o) => [o.setting, opts[new Option(o.flag).attributeName()]]),
    ),
    ...(READ_ONLY_COMMANDS.includes(commandPath(command)) ? { readOnly: true } : {}),
  };
}

/** "quarantine list" for `chatlake quarantine list`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
