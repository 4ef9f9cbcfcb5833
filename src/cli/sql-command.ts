import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { ChatlakeError } from '../core/errors.js';
import type { LocalDay } from '../core/local-day.js';
import { rowWriter, TEXT_FORMATS, type TextFormat } from '../query/output/row-writer.js';
import type { SqlSession } from '../query/sql-session.js';
import { oneOf } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';

export function sqlCommand(program: Command): void {
  program
    .command('sql')
    .description('Run read-only SQL (DuckDB) over views messages, contacts, events and conversations')
    .argument(
      '[query]',
      'SQL; only SELECT and EXPLAIN statements run. Without it (or "-"): statements from stdin, each ended by ";" (a prompt on a terminal)',
    )
    .option(
      '--format <format>',
      `${TEXT_FORMATS.join(' | ')} (default: table on a terminal, jsonl otherwise)`,
      oneOf(TEXT_FORMATS),
    )
    .addHelpText(
      'after',
      `
The views cover exactly the files the catalog registered; messages has a "revoked" column.
Times are UTC (TIMESTAMPTZ); use timezone('Asia/Shanghai', sent_at) for local wall time.
Statements read from stdin share one session (the views are built once): each prints its rows when its
line ends with ";". A script stops at its first error; the prompt reports it and goes on (.exit leaves).

Examples:
  chatlake sql "SELECT conversation_id, count(*) FROM messages GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
  chatlake sql "SELECT kind, count(*) FROM messages WHERE sent_at >= '2026-01-01' GROUP BY ALL" --format csv
  chatlake sql < weekly-report.sql
  chatlake sql`,
    )
    .action(async (query: string | undefined, opts: { format?: TextFormat }, cmd: Command) => {
      const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
      if (!(TEXT_FORMATS as readonly string[]).includes(format)) {
        throw new ChatlakeError(
          'invalid_argument',
          `unknown format "${format}"`,
          `use ${TEXT_FORMATS.join(', ')}`,
        );
      }
      const lake = await openLake(globalFlags(cmd));
      const { SqlSession } = await import('../query/sql-session.js');
      const session = await SqlSession.open(lake.catalog, lake.config.lakeDir);
      const print = (sql: string) => printRows(session, sql, format, lake.localDay);
      try {
        if (query !== undefined && query !== '-') await print(query);
        else await readStatements(print);
      } finally {
        session.close();
        await lake.close();
      }
    });
}

/** Runs the SQL and prints the rows of its last statement. */
async function printRows(
  session: SqlSession,
  sql: string,
  format: TextFormat,
  zone: LocalDay,
): Promise<void> {
  let writer: ReturnType<typeof rowWriter> | null = null;
  for await (const { columns, rows } of session.run(sql)) {
    writer ??= rowWriter(format, process.stdout, columns, zone);
    await writer.write(rows);
  }
  await writer?.end();
}

/** Statements from stdin, each run once its line ends with ";" (and what is left at the end of input). */
async function readStatements(print: (sql: string) => Promise<void>): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  const prompt = (text: string) => {
    if (!interactive) return;
    lines.setPrompt(text);
    lines.prompt();
  };
  if (interactive)
    process.stdout.write(
      'Read-only SQL over messages, contacts, events, conversations. End with ";"; .exit leaves.\n',
    );
  prompt('chatlake> ');
  let statement = '';
  for await (const line of lines) {
    if (statement === '' && /^\s*\.(exit|quit)\s*$/.test(line)) break;
    statement += `${line}\n`;
    if (!/;\s*$/.test(line)) {
      prompt(statement.trim() ? '      ...> ' : 'chatlake> ');
      continue;
    }
    const sql = statement;
    statement = '';
    try {
      await print(sql);
    } catch (error) {
      if (!interactive || !(error instanceof ChatlakeError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
    }
    prompt('chatlake> ');
  }
  lines.close();
  if (statement.trim()) await print(statement);
}
