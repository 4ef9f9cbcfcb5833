import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { platformNames } from '../app/platforms.js';
import { ChatlakeError } from '../core/errors.js';
import type { Dataset } from '../core/lake-record.js';
import type { MessageQuery } from '../query/message-query.js';
import { rowWriter, TEXT_FORMATS, type TextFormat } from '../query/output/row-writer.js';
import { timeBound } from '../query/time-bound.js';
import { messageType, nonEmpty, oneOf, timeText, wholeNumber } from './flag-parsers.js';
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
  includeDeleted?: boolean;
  format?: TextFormat | 'parquet';
  output?: string;
}

const DATASETS = ['messages', 'contacts', 'events'] as const;
const FORMATS = [...TEXT_FORMATS, 'parquet'] as const;
/** A page larger than this is an export: leave --limit out to stream every row. */
const MAX_LIMIT = 1_000_000;

const TABLE_COLUMNS = [
  'sent_at',
  'conversation_id',
  'sender_id',
  'kind',
  'text',
  'message_id',
  'revoked',
  'edited',
];

export function queryCommand(program: Command): void {
  program
    .command('query')
    .description(
      'Filter messages (or contacts, events) from the lake; stream them as a table, JSON, CSV or Parquet',
    )
    .option('--dataset <name>', DATASETS.join(' | '), oneOf(DATASETS), 'messages')
    .option(
      '--from <time>',
      'from this day/month/datetime, in the configured zone (2026-01-23, 2026-01, 2026-01-23T10:00)',
      timeText,
    )
    .option('--to <time>', 'to the end of this day/month, or this datetime (inclusive)', timeText)
    .option('--platform <name>', platformNames().join(' | '), oneOf(platformNames()))
    .option('--conversation <id>', 'only this conversation (chatroom id or contact id)', nonEmpty)
    .option('--sender <id>', 'only messages from this sender', nonEmpty)
    .option('--type <type>', 'a kind (text, image, voice, …) or the platform type code (3)', messageType)
    .option('--text <substring>', 'only messages whose text contains this (case-insensitive; CJK works)')
    .option('--columns <list>', 'comma-separated columns to output', nonEmpty)
    .option('--order <order>', 'asc | desc by time', oneOf(['asc', 'desc'] as const), 'asc')
    .option(
      '--limit <n>',
      `at most n rows (1–${MAX_LIMIT}); prints a --cursor for the next page`,
      wholeNumber(1, MAX_LIMIT),
    )
    .option('--cursor <cursor>', 'continue after the page that printed this cursor', nonEmpty)
    .option('--include-deleted', 'also return deleted messages, marked `deleted`')
    .option(
      '--format <format>',
      'table (default on a terminal) | json | jsonl (default otherwise) | csv | parquet',
      oneOf(FORMATS),
    )
    .option('--output <file>', 'write to this file instead of stdout (required for parquet)', nonEmpty)
    .addHelpText(
      'after',
      `
Examples:
  chatlake query --from 2026-01-23 --to 2026-01-23 --conversation 4800000000@chatroom
  chatlake query --from 2026-01 --sender wxid_abc --type image --format csv --output jan.csv
  chatlake query --text 开会 --limit 20
  chatlake query --from 2026 --format parquet --output 2026.parquet
  chatlake query --conversation 4800000000@chatroom --order desc --limit 50 --include-deleted`,
    )
    .action(async (flags: QueryFlags, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const service = await lake.query();
        const { datasetColumns, outputColumns } = await import('../query/query-service.js');
        const dataset = flags.dataset;
        const format = flags.format ?? (process.stdout.isTTY && !flags.output ? 'table' : 'jsonl');
        const columns = flags.columns
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        checkColumns(dataset, columns, datasetColumns(dataset, flags.includeDeleted));
        const q: MessageQuery = {
          dataset,
          from: flags.from === undefined ? undefined : timeBound(flags.from, lake.localDay, 'from'),
          to: flags.to === undefined ? undefined : timeBound(flags.to, lake.localDay, 'to'),
          platform: flags.platform,
          conversation: flags.conversation,
          sender: flags.sender,
          type: flags.type,
          text: flags.text,
          columns:
            columns ??
            (format === 'table' && dataset === 'messages'
              ? [...TABLE_COLUMNS, ...(flags.includeDeleted ? ['deleted'] : [])]
              : undefined),
          order: flags.order,
          limit: flags.limit,
          cursor: flags.cursor,
          ...(flags.includeDeleted ? { includeDeleted: true } : {}),
        };
        if (format === 'parquet') {
          if (!flags.output)
            throw new ChatlakeError('invalid_argument', 'parquet output needs --output FILE');
          const rows = await service.exportParquet(q, flags.output);
          process.stderr.write(`${rows} rows written to ${flags.output}\n`);
          return;
        }
        const out = flags.output ? createWriteStream(flags.output) : process.stdout;
        const writer = rowWriter(format as TextFormat, out, outputColumns(q), lake.localDay);
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

/** --columns names columns of the dataset (and `deleted`, the marker of --include-deleted, for messages). */
function checkColumns(dataset: Dataset, asked: readonly string[] | undefined, columns: string[]): void {
  const known = [...columns, ...(dataset === 'messages' ? ['deleted'] : [])];
  const unknown = (asked ?? []).filter((c) => !known.includes(c));
  if (asked?.length === 0 || unknown.length > 0) {
    throw new ChatlakeError(
      'invalid_argument',
      `--columns: ${asked?.length === 0 ? 'no column named' : `unknown column(s) ${unknown.join(', ')} in ${dataset}`}`,
      `columns of ${dataset}: ${[...new Set(known)].join(', ')}`,
    );
  }
}
