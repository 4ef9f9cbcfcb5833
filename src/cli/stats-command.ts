import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { platformOptionDeclarations } from '../app/platforms.js';
import { lakeStats } from '../stats/lake-stats.js';
import { wholeNumber } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { formatBytes, printJson, printTable } from './print.js';

export function statsCommand(program: Command): void {
  program
    .command('stats')
    .description('What the lake holds: rows, files and bytes per dataset, messages per day, ingest history')
    .option('--json', 'print one JSON object')
    .option('--history <n>', 'ingest runs to list (0–1000)', wholeNumber(0, 1000), 10)
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake stats\n  chatlake stats --history 50\n  chatlake stats --json | jq .datasets.messages.rows`,
    )
    .action(async (opts: { json?: boolean; history: number }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const s = await lakeStats(lake.catalog, opts.history);
        const { timeZone, platformOptions } = lake.config;
        const options = Object.entries(platformOptions).map(([setting, o]) => [setting, o.value] as const);
        if (opts.json) return printJson({ ...s, settings: { timeZone, ...Object.fromEntries(options) } });
        const labels = new Map(platformOptionDeclarations().map((o) => [o.setting, o.label]));
        printTable(
          Object.entries(s.datasets).map(([name, d]) => [
            name,
            d.rows,
            d.hotRows,
            d.files,
            formatBytes(d.bytes),
            d.partitions,
          ]),
          ['dataset', 'rows', 'of them hot', 'files', 'bytes', 'partitions'],
        );
        const ratio = s.compressionRatio === null ? 'n/a' : `${(s.compressionRatio * 100).toFixed(1)}%`;
        process.stdout.write(
          `\nParquet ${formatBytes(s.parquetBytes)} for ${formatBytes(s.rawBytesIngested)} of raw input read (${ratio})\n` +
            `${s.conversations} conversations, ${s.contacts} contacts, quarantine: ${s.quarantine.open} open, ` +
            `${s.quarantine.resolved} resolved, ${s.quarantine.dismissed} dismissed\n` +
            (s.datasets.messages.hotRows + s.datasets.contacts.hotRows + s.datasets.events.hotRows > 0
              ? 'rows counts include the hot tier (accepted by serve, moved into Parquet at its next compaction)\n'
              : '') +
            `days are ${timeZone} days${options
              .map(
                ([setting, ids]) =>
                  `; ${labels.get(setting) ?? setting}: ${ids.length ? ids.join(', ') : 'none given'}`,
              )
              .join('')}\n` +
            '\nmessages per day\n',
        );
        printTable(
          s.days.map((d) => [d.day, d.messages, d.hot, d.files]),
          ['day', 'messages', 'of them hot', 'files'],
        );
        process.stdout.write('\ningest history\n');
        printTable(
          s.ingests.map((t) => {
            const c = (t.counts ?? {}) as Record<string, number>;
            return [
              t.id,
              t.status,
              new Date(t.startedAt).toISOString().replace('T', ' ').slice(0, 19),
              c.messages ?? 0,
              c.duplicates ?? 0,
              c.quarantined ?? 0,
              c.seconds === undefined ? '' : `${Number(c.seconds).toFixed(2)} s`,
            ];
          }),
          ['task', 'status', 'started (UTC)', 'messages', 'duplicates', 'quarantined', 'took'],
        );
      } finally {
        await lake.close();
      }
    });
}
