import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { platformOptionDeclarations } from '../app/platforms.js';
import { configSources, resolveConfig, type SettingSource } from '../config/resolved-config.js';
import { resolveServiceConfigWithSources } from '../config/service-config.js';
import { nonEmpty } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { printJson, printTable } from './print.js';

interface Setting {
  name: string;
  value: unknown;
  from: SettingSource;
}

/** `chatlake config`: the effective settings and where each came from (default, file, env, flag, lake). */
export function configCommand(program: Command): void {
  program
    .command('config')
    .description('Print the effective settings and where each came from (default, file, env, flag, lake)')
    .option('--config <file>', 'JSON settings file of the service (env CHATLAKE_CONFIG)', nonEmpty)
    .option('--json', 'print one JSON object: {setting: {value, from}}')
    .addHelpText(
      'after',
      `
Settings of every command come from flags, then env (CHATLAKE_*), then defaults; a lake keeps the time zone
and platform options it was given (from "lake"). The service's settings may also come from a JSON file (--config or
CHATLAKE_CONFIG; see chatlake.example.json). Changes nothing, and reads no lake data.

Examples:
  chatlake config
  chatlake config --json
  CHATLAKE_PORT=9000 chatlake config --config chatlake.example.json`,
    )
    .action(async (opts: { config?: string; json?: boolean }, cmd: Command) => {
      const flags = globalFlags(cmd);
      const lakeSettings = configSources(flags, undefined, platformOptionDeclarations());
      await savedByLake(flags, lakeSettings);
      const service = resolveServiceConfigWithSources({ config: opts.config });
      const all: Setting[] = [
        ...Object.entries(lakeSettings).map(([name, s]) => ({ name, ...s })),
        ...Object.entries(service.sources).map(([name, from]) => {
          const value = (service.config as unknown as Record<string, unknown>)[name];
          return { name, value: name === 'webhookSecret' && value !== null ? '***' : value, from };
        }),
      ];
      if (opts.json)
        return printJson(Object.fromEntries(all.map((s) => [s.name, { value: s.value, from: s.from }])));
      printTable(
        all.map((s) => [s.name, show(s.value), s.from]),
        ['setting', 'value', 'from'],
      );
    });
}

/**
 * The lake's own time zone and platform options where none is given (as every command then uses them), when the
 * data directory holds a SQLite lake (a PostgreSQL catalog is not opened: `config` connects to nothing).
 */
async function savedByLake(
  flags: ReturnType<typeof globalFlags>,
  settings: ReturnType<typeof configSources>,
): Promise<void> {
  const config = resolveConfig(flags);
  if (config.databaseUrl !== null || !existsSync(config.catalogPath)) return;
  const lake = await openLake({ ...flags, readOnly: true });
  try {
    const zone = await lake.catalog.setting('timeZone');
    if (zone !== null && settings.timeZone.from === 'default')
      settings.timeZone = { value: zone, from: 'lake' };
    for (const { setting } of platformOptionDeclarations()) {
      const saved = await lake.catalog.setting(setting);
      if (saved !== null && settings[setting]?.from === 'default')
        settings[setting] = { value: JSON.parse(saved), from: 'lake' };
    }
  } finally {
    await lake.close();
  }
}

function show(value: unknown): string {
  if (value === null) return '-';
  if (Array.isArray(value)) return value.length ? value.join(',') : '-';
  return String(value);
}
