import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { ChatlakeError } from '../core/errors.js';
import { rowWriter, TEXT_FORMATS, type TextFormat } from '../query/output/row-writer.js';
import { SqlSession } from '../query/sql-session.js';
import { globalFlags } from './global-flags.js';

export function sqlCommand(program: Command): void {
  program
    .command('sql')
    .description('Run read-only SQL (DuckDB) over views messages, contacts, events and conversations')
    .argument('<query>', 'SQL; only SELECT and EXPLAIN statements run')
    .option(
      '--format <format>',
      `${TEXT_FORMATS.join(' | ')} (default: table on a terminal, jsonl otherwise)`,
    )
    .addHelpText(
      'after',
      `
The views cover exactly the files the catalog registered; messages has a "revoked" column.
Times are UTC (TIMESTAMPTZ); use timezone('Asia/Shanghai', sent_at) for local wall time.

Examples:
  chatlake sql "SELECT conversation_id, count(*) FROM messages GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
  chatlake sql "SELECT kind, count(*) FROM messages WHERE sent_at >= '2026-01-01' GROUP BY ALL" --format csv`,
    )
    .action(async (query: string, opts: { format?: TextFormat }, cmd: Command) => {
      const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
      if (!(TEXT_FORMATS as readonly string[]).includes(format)) {
        throw new ChatlakeError(
          'invalid_argument',
          `unknown format "${format}"`,
          `use ${TEXT_FORMATS.join(', ')}`,
        );
      }
      const lake = await openLake(globalFlags(cmd));
      const session = await SqlSession.open(lake.catalog, lake.config.lakeDir);
      try {
        let writer: ReturnType<typeof rowWriter> | null = null;
        for await (const { columns, rows } of session.run(query)) {
          writer ??= rowWriter(format, process.stdout, columns, lake.localDay);
          await writer.write(rows);
        }
        await writer?.end();
      } finally {
        session.close();
        await lake.close();
      }
    });
}
