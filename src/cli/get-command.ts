import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { examplePlatform, platformNames } from '../app/platforms.js';
import { rowWriter, TEXT_FORMATS, type TextFormat } from '../query/output/row-writer.js';
import { splitPlatformId } from '../query/platform-id.js';
import { oneOf } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';

interface GetFlags {
  platform?: string;
  format: TextFormat;
  raw?: boolean;
  includeDeleted?: boolean;
}

export function getCommand(program: Command): void {
  program
    .command('get')
    .description('Messages by id (fast on any lake size: the catalog knows which partition holds each id)')
    .argument(
      '<ids...>',
      `message ids, bare (1000000000042) or as the REST API names them (${examplePlatform().name}:1000000000042)`,
    )
    .option(
      '--platform <name>',
      `platform of the bare ids: ${platformNames().join(' | ')} (default: any platform that has them)`,
      oneOf(platformNames()),
    )
    .option('--format <format>', `${TEXT_FORMATS.join(' | ')}`, oneOf(TEXT_FORMATS), 'json')
    .option('--raw', 'include the raw payload')
    .option('--include-deleted', 'also messages deleted through the REST API, with deleted: true')
    .addHelpText(
      'after',
      `
Edited messages show their current text, with edited: true and edited_at (the history: GET
/api/v1/messages/{id}/history, or the message_changes view of chatlake sql).

Examples:
  chatlake get 1000000000042 ${examplePlatform().name}:1000000000043
  chatlake get 1000000000042 --raw --format jsonl
  chatlake get chatlake:m_abc --include-deleted

Exits 3 when an id is not stored (or was deleted, without --include-deleted).`,
    )
    .action(async (ids: string[], opts: GetFlags, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const rows = await (await lake.query()).get(ids, opts.platform, {
          includeDeleted: opts.includeDeleted === true,
        });
        const { datasetColumns } = await import('../query/query-service.js');
        const columns = datasetColumns('messages', opts.includeDeleted).filter(
          (c) => opts.raw || c !== 'raw',
        );
        const writer = rowWriter(opts.format, process.stdout, columns, lake.localDay);
        await writer.write(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]]))));
        await writer.end();
        const missing = ids.filter((text) => {
          const { platform, id } = splitPlatformId(
            text,
            lake.platforms.modules.map((m) => m.name),
          );
          const of = platform ?? opts.platform;
          return !rows.some((r) => r.message_id === id && (of === undefined || r.platform === of));
        });
        if (missing.length > 0) {
          process.stderr.write(`not found: ${missing.join(', ')}\n`);
          process.exitCode = 3;
        }
      } finally {
        await lake.close();
      }
    });
}
