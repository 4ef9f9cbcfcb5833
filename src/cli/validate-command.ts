import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { examplePlatform } from '../app/platforms.js';
import { ChatlakeError } from '../core/errors.js';
import type { ValidationReport } from '../jobs/validate-lake.js';
import { globalFlags } from './global-flags.js';
import { printJson, printTable } from './print.js';

export function validateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check the lake against the catalog; exit 1 on any integrity problem')
    .option(
      '--repair',
      'remove files in the lake that no catalog entry registered; unregister registered files that are gone',
    )
    .option('--dry-run', 'with --repair: print what it would do, change nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Checks: every registered file exists and reads; row counts and min/max times match the catalog; rows sit in
the partition of their local day; required columns are present, typed and non-null; no identity is stored
twice; recorded identities match stored rows (the hot tier of a running serve included); no unregistered
files. The result is recorded as a task with data-quality metrics.

A registered file that is gone (deleted, lost with a disk) makes reads of its day fail. --repair unregisters
it in one catalog transaction: its identities (those no other file of its day and no hot row holds) are
forgotten, partition totals and conversation counts follow, and the checkpoints of the logs its lineage
names are dropped; ingesting those logs again then stores exactly the lost rows (nothing twice).

Examples:
  chatlake validate
  chatlake validate --repair --dry-run
  chatlake validate --repair && chatlake ingest ${examplePlatform().example ?? '<file>'}`,
    )
    .action(async (opts: { repair?: boolean; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      if (opts.dryRun && !opts.repair)
        throw new ChatlakeError(
          'invalid_argument',
          '--dry-run goes with --repair',
          'chatlake validate --repair --dry-run',
        );
      const lake = await openLake(globalFlags(cmd));
      try {
        const { validateLake } = await import('../jobs/validate-lake.js');
        const r = await validateLake(lake, { repair: opts.repair, dryRun: opts.dryRun });
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
          if (opts.repair) printRepair(r);
        }
        if (!r.ok) process.exitCode = 1;
      } finally {
        await lake.close();
      }
    });
}

function printRepair(r: ValidationReport): void {
  const m = r.missing;
  const verb = r.dryRun ? 'would' : 'did';
  if (r.dryRun && r.orphans.length)
    process.stdout.write(
      `dry run: would remove ${r.orphans.length} unregistered file(s): ${r.orphans.join(', ')}\n`,
    );
  if (!m || m.files.length === 0) {
    if (r.dryRun && !r.orphans.length) process.stdout.write('dry run: nothing to repair\n');
    return;
  }
  const rows = m.files.reduce((sum, f) => sum + f.rows, 0);
  process.stdout.write(
    `${r.dryRun ? 'dry run: would unregister' : 'unregistered'} ${m.files.length} missing file(s) (${rows} rows): ` +
      `${m.files.map((f) => f.path).join(', ')}\n` +
      `${verb === 'would' ? 'would forget' : 'forgot'} ${m.keysReleased} identities, ` +
      `${verb === 'would' ? 'would adjust' : 'adjusted'} ${m.conversationsAdjusted} conversation count(s), ` +
      `${verb === 'would' ? 'would reset' : 'reset'} ${m.checkpointsReset.length} checkpoint(s)\n`,
  );
  const sources = [
    ...new Set(m.files.flatMap((f) => f.sources.filter((s) => s.kind === 'file').map((s) => s.uri))),
  ];
  const others = m.files.flatMap((f) => f.sources.filter((s) => s.kind !== 'file').map((s) => s.uri));
  if (sources.length)
    process.stdout.write(
      `${r.dryRun ? 'then' : 'now'} restore the rows: chatlake ingest ${sources.join(' ')}\n`,
    );
  if (others.length)
    process.stdout.write(
      `rows that came from ${others.join(', ')}: feed that input again (chatlake ingest -)\n`,
    );
  if (m.files.some((f) => f.sources.length === 0))
    process.stdout.write(
      'rows the service accepted (no source log) are lost unless their senders post them again\n',
    );
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
