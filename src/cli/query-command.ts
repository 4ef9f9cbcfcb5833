import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { MessageQuery } from '../query/message-query.js';
import { rowWriter, TEXT_FORMATS, type TextFormat } from '../query/output/row-writer.js';
import { datasetColumns } from '../query/query-service.js';
import { timeBound } from '../query/time-bound.js';
import { globalFlags } from './global-flags.js';

interface QueryFlags {
  dataset: Dataset;
  from?: string;
  to?: string;
  platform?: string;
  conversation?: string;
  sender?: string;
  type?: string;
  text?: string;
  columns?: string;
  order: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
  format?: TextFormat | 'parquet';
  output?: string;
}

const TABLE_COLUMNS = ['sent_at', 'conversation_id', 'sender_id', 'kind', 'text', 'message_id', 'revoked'];

export function queryCommand(program: Command): void {
  program
    .command('query')
    .description(
      'Filter messages (or contacts, events) from the lake; stream them as a table, JSON, CSV or Parquet',
    )
    .option('--dataset <name>', 'messages | contacts | events', 'messages')
    .option(
      '--from <time>',
      'from this day/month/datetime, in the configured zone (2026-01-23, 2026-01, 2026-01-23T10:00)',
    )
    .option('--to <time>', 'to the end of this day/month, or this datetime (inclusive)')
    .option('--platform <name>', 'only this platform (wechat, …)')
    .option('--conversation <id>', 'only this conversation (chatroom id or contact id)')
    .option('--sender <id>', 'only messages from this sender')
    .option('--type <type>', 'a kind (text, image, voice, …) or the platform type code (3)')
    .option('--text <substring>', 'only messages whose text contains this (case-insensitive; CJK works)')
    .option('--columns <list>', 'comma-separated columns to output')
    .option('--order <order>', 'asc | desc by time', 'asc')
    .option('--limit <n>', 'at most n rows; prints a --cursor for the next page', Number)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option(
      '--format <format>',
      'table (default on a terminal) | json | jsonl (default otherwise) | csv | parquet',
    )
    .option('--output <file>', 'write to this file instead of stdout (required for parquet)')
    .addHelpText(
      'after',
      `
Examples:
  chatlake query --from 2026-01-23 --to 2026-01-23 --conversation 4800000000@chatroom
  chatlake query --from 2026-01 --sender wxid_abc --type image --format csv --output jan.csv
  chatlake query --text 开会 --limit 20
  chatlake query --from 2026 --format parquet --output 2026.parquet`,
    )
    .action(async (flags: QueryFlags, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const service = await lake.query();
        const dataset = flags.dataset;
        if (!['messages', 'contacts', 'events'].includes(dataset)) {
          throw new ChatlakeError(
            'invalid_argument',
            `unknown dataset "${dataset}"`,
            'use messages, contacts or events',
          );
        }
        const format = flags.format ?? (process.stdout.isTTY && !flags.output ? 'table' : 'jsonl');
        if (format !== 'parquet' && !(TEXT_FORMATS as readonly string[]).includes(format)) {
          throw new ChatlakeError(
            'invalid_argument',
            `unknown format "${format}"`,
            `use ${[...TEXT_FORMATS, 'parquet'].join(', ')}`,
          );
        }
        const columns = flags.columns
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        const q: MessageQuery = {
          dataset,
          from: flags.from === undefined ? undefined : timeBound(flags.from, lake.localDay, 'from'),
          to: flags.to === undefined ? undefined : timeBound(flags.to, lake.localDay, 'to'),
          platform: flags.platform,
          conversation: flags.conversation,
          sender: flags.sender,
          type: flags.type,
          text: flags.text,
          columns: columns ?? (format === 'table' && dataset === 'messages' ? TABLE_COLUMNS : undefined),
          order: flags.order === 'desc' ? 'desc' : 'asc',
          limit: flags.limit,
          cursor: flags.cursor,
        };
        if (format === 'parquet') {
          if (!flags.output)
            throw new ChatlakeError('invalid_argument', 'parquet output needs --output FILE');
          const rows = await service.exportParquet(q, flags.output);
          process.stderr.write(`${rows} rows written to ${flags.output}\n`);
          return;
        }
        const out = flags.output ? createWriteStream(flags.output) : process.stdout;
        const writer = rowWriter(
          format as TextFormat,
          out,
          q.columns ?? datasetColumns(dataset).filter((c) => c !== 'raw'),
          lake.localDay,
        );
        if (q.limit !== undefined) {
          const page = await service.page(q);
          await writer.write(page.rows);
          await writer.end();
          if (page.cursor) process.stderr.write(`next page: --cursor ${page.cursor}\n`);
        } else {
          for await (const rows of service.rows(q)) await writer.write(rows);
          await writer.end();
        }
        if (out !== process.stdout)
          await new Promise<void>((resolve, reject) =>
            out.end((e?: Error | null) => (e ? reject(e) : resolve())),
          );
      } finally {
        await lake.close();
      }
    });
}
