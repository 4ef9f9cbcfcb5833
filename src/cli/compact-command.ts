import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import type { Dataset } from '../core/lake-record.js';
import { compactPartitions } from '../jobs/compact-partitions.js';
import { dayList, oneOf, wholeNumber } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { printJson } from './print.js';

export function compactCommand(program: Command): void {
  program
    .command('compact')
    .description(
      'Merge the small files of each partition into one file (atomically; readers never see a gap)',
    )
    .option(
      '--dataset <name>',
      'messages | contacts | events (default: all)',
      oneOf(['messages', 'contacts', 'events'] as const),
    )
    .option('--partition <day...>', 'only these days (YYYY-MM-DD)', dayList)
    .option('--min-files <n>', 'only partitions with at least this many files (≥ 2)', wholeNumber(2), 2)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake compact\n  chatlake compact --dataset messages --partition 2026-01-23 2026-01-24\n  chatlake compact --min-files 8 --json`,
    )
    .action(
      async (
        opts: { dataset?: Dataset; partition?: string[]; minFiles: number; json?: boolean },
        cmd: Command,
      ) => {
        const lake = await openLake(globalFlags(cmd));
        try {
          const r = await compactPartitions(lake, {
            dataset: opts.dataset,
            partitions: opts.partition,
            minFiles: opts.minFiles,
          });
          if (opts.json) return printJson(r);
          process.stdout.write(
            r.partitions === 0
              ? 'nothing to compact\n'
              : `${r.partitions} partition(s): ${r.filesBefore} files → ${r.filesAfter}, ${r.rows} rows, ${r.seconds.toFixed(2)} s\n`,
          );
        } finally {
          await lake.close();
        }
      },
    );
}
