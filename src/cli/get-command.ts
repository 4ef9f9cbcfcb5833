import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { rowWriter, TEXT_FORMATS, type TextFormat } from '../query/output/row-writer.js';
import { oneOf, STORED_PLATFORMS } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';

export function getCommand(program: Command): void {
  program
    .command('get')
    .description('Messages by id (fast on any lake size: the catalog knows which partition holds each id)')
    .argument('<ids...>', 'message ids')
    .option(
      '--platform <name>',
      `platform of the ids: ${STORED_PLATFORMS.join(' | ')}`,
      oneOf(STORED_PLATFORMS),
      'wechat',
    )
    .option('--format <format>', `${TEXT_FORMATS.join(' | ')}`, oneOf(TEXT_FORMATS), 'json')
    .option('--raw', 'include the raw payload')
    .addHelpText(
      'after',
      '\nExamples:\n  chatlake get 1000000000042 1000000000043\n  chatlake get 1000000000042 --raw --format jsonl\n\nExits 3 when an id is not stored.',
    )
    .action(
      async (ids: string[], opts: { platform: string; format: TextFormat; raw?: boolean }, cmd: Command) => {
        const lake = await openLake(globalFlags(cmd));
        try {
          const rows = await (await lake.query()).get(ids, opts.platform);
          const { datasetColumns } = await import('../query/query-service.js');
          const columns = datasetColumns('messages').filter((c) => opts.raw || c !== 'raw');
          const writer = rowWriter(opts.format, process.stdout, columns, lake.localDay);
          await writer.write(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]]))));
          await writer.end();
          const missing = ids.filter((id) => !rows.some((r) => r.message_id === id));
          if (missing.length > 0) {
            process.stderr.write(`not found: ${missing.join(', ')}\n`);
            process.exitCode = 3;
          }
        } finally {
          await lake.close();
        }
      },
    );
}
