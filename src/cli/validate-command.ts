import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { globalFlags } from './global-flags.js';
import { printJson, printTable } from './print.js';

export function validateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check the lake against the catalog; exit 1 on any integrity problem')
    .option('--repair', 'remove files in the lake that no catalog entry registered')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Checks: every registered file exists and reads; row counts and min/max times match the catalog; rows sit in
the partition of their local day; required columns are present, typed and non-null; no identity is stored
twice; recorded identities match stored rows; no unregistered files. The result is recorded as a task with
data-quality metrics.

Examples:
  chatlake validate
  chatlake validate --repair
  chatlake validate --json > report.json`,
    )
    .action(async (opts: { repair?: boolean; json?: boolean }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const { validateLake } = await import('../jobs/validate-lake.js');
        const r = await validateLake(lake, { repair: opts.repair });
        if (opts.json) printJson(r);
        else {
          if (r.problems.length)
            printTable(
              r.problems.map((p) => [p.check, p.detail]),
              ['check', 'problem'],
            );
          process.stdout.write(
            `${r.ok ? 'ok' : `${r.problems.length} problem(s)`}: ${r.files} files, ${r.rows} rows checked in ${r.seconds.toFixed(2)} s` +
              `${r.repaired.length ? `; removed ${r.repaired.length} unregistered file(s)` : ''}\n`,
          );
        }
        if (!r.ok) process.exitCode = 1;
      } finally {
        await lake.close();
      }
    });
}

export function duplicatesCommand(program: Command): void {
  program
    .command('duplicates')
    .description('List identities stored more than once; exit 1 if there are any')
    .option('--json', 'print JSON')
    .addHelpText('after', `\nExamples:\n  chatlake duplicates\n  chatlake duplicates --json`)
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const { validateLake } = await import('../jobs/validate-lake.js');
        const r = await validateLake(lake, { duplicatesOnly: true });
        if (opts.json) printJson(r.duplicates);
        else if (r.duplicates.length === 0) process.stdout.write(`no duplicates in ${r.files} files\n`);
        else
          printTable(
            r.duplicates.map((d) => [d.dataset, d.platform, d.key, d.copies]),
            ['dataset', 'platform', 'id', 'copies'],
          );
        if (r.duplicates.length > 0) process.exitCode = 1;
      } finally {
        await lake.close();
      }
    });
}
