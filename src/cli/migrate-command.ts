import type { Command } from 'commander';
import { openCatalog } from '../catalog/open-catalog.js';
import { resolveConfig } from '../config/resolved-config.js';
import { globalFlags } from './global-flags.js';
import { printJson } from './print.js';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Bring the catalog (SQLite, or PostgreSQL with --database-url) to the newest schema')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake migrate\n  chatlake migrate --database-url postgres://chatlake:secret@db:5432/chatlake --json`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const catalog = await openCatalog(resolveConfig(globalFlags(cmd)), { migrate: false });
      try {
        const report = await catalog.migrate();
        if (opts.json) return printJson({ backend: catalog.backend, ...report });
        const newest = report.applied.at(-1) ?? 'none';
        process.stdout.write(
          report.ran.length === 0
            ? `${catalog.backend} catalog already at the newest schema (${newest})\n`
            : `${report.ran.map((m) => `ran ${m}\n`).join('')}${catalog.backend} catalog now at ${newest}\n`,
        );
      } finally {
        await catalog.close();
      }
    });
}
