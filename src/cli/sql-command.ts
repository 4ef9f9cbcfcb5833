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
    .description(
      'Run read-only SQL (DuckDB) over views messages, messages_all, contacts, events, conversations, revocations, message_changes',
    )
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
The views cover exactly the files the catalog registered plus the hot tier. messages is the current view:
edits through the REST API applied (text, content; edited, edited_at), deleted messages left out, and a
"revoked" column; messages_all has the deleted ones too (deleted = true); message_changes is the history.
Times are UTC (TIMESTAMPTZ); use timezone('Asia/Shanghai', sent_at) for local wall time.
Several statements print every result in turn. COPY (SELECT …) TO 'file.csv|.parquet|.json' writes a
file where you name it (relative to the working directory); reading files outside the lake is refused.
Statements read from stdin share one session (the views are built once): each prints its rows when its
line ends with ";". A script stops at its first error; the prompt reports it and goes on.
Shell commands: .tables, .schema [name], .help, .exit (or exit, quit, .quit).

Examples:
  chatlake sql "SELECT conversation_id, count(*) FROM messages GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
  chatlake sql "SELECT kind, count(*) FROM messages WHERE sent_at >= '2026-01-01' GROUP BY ALL" --format csv
  chatlake sql "COPY (SELECT * FROM messages WHERE kind = 'image') TO 'images.parquet'"
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
        if (query !== undefined && query !== '-') {
          const command = EXIT.test(query) ? async () => {} : shellCommand(query);
          if (command) await command(session);
          else await print(query);
        } else await readStatements(print, session);
      } finally {
        session.close();
        await lake.close();
      }
    });
}

/** Runs the SQL and prints the rows of each of its statements in turn (a blank line between two tables). */
async function printRows(
  session: SqlSession,
  sql: string,
  format: TextFormat,
  zone: LocalDay,
): Promise<void> {
  let writer: ReturnType<typeof rowWriter> | null = null;
  let current = -1;
  for await (const { statement, columns, rows } of session.run(sql)) {
    if (statement !== current) {
      await writer?.end();
      if (writer && (format === 'table' || format === 'csv')) process.stdout.write('\n');
      writer = rowWriter(format, process.stdout, columns, zone);
      current = statement;
    }
    await writer!.write(rows);
  }
  await writer?.end();
}

const SHELL_HELP = `.tables           the tables and views
.schema [name]    their columns, as CREATE statements
.help             this list
.exit, .quit      leave (exit and quit too)
Anything else is SQL, run when a line ends with ";".
`;

/**
 * A shell command as the DuckDB and SQLite shells have them (.tables, .schema, .help; .exit is handled by
 * the reader), or null when the text is SQL.
 */
function shellCommand(text: string): ((session: SqlSession) => Promise<void>) | null {
  const m = /^\s*\.(\w+)\s*(\S*)\s*;?\s*$/.exec(text);
  if (!m) return null;
  const [, name, arg] = m;
  switch (name) {
    case 'tables':
      return async (s) => {
        process.stdout.write(`${(await s.tables()).join('\n')}\n`);
      };
    case 'schema':
      return async (s) => {
        process.stdout.write(`${(await s.schema(arg || undefined)).join('\n')}\n`);
      };
    case 'help':
      return async () => {
        process.stdout.write(SHELL_HELP);
      };
    case 'exit':
    case 'quit':
      return async () => {};
    default:
      return async () => {
        throw new ChatlakeError(
          'invalid_argument',
          `unknown command ".${name}"`,
          'shell commands: .tables, .schema [name], .help, .exit',
        );
      };
  }
}

const EXIT = /^\s*(\.exit|\.quit|exit|quit)\s*;?\s*$/i;

/** Statements from stdin, each run once its line ends with ";" (and what is left at the end of input). */
async function readStatements(print: (sql: string) => Promise<void>, session: SqlSession): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  const prompt = (text: string) => {
    if (!interactive) return;
    lines.setPrompt(text);
    lines.prompt();
  };
  if (interactive)
    process.stdout.write(
      'Read-only SQL over messages, messages_all, contacts, events, conversations, revocations, message_changes.\nEnd statements with ";"; .tables, .schema, .help; .exit leaves.\n',
    );
  prompt('chatlake> ');
  let statement = '';
  for await (const line of lines) {
    if (statement === '' && EXIT.test(line)) break;
    const command = statement === '' ? shellCommand(line) : null;
    if (command) {
      try {
        await command(session);
      } catch (error) {
        if (!interactive || !(error instanceof ChatlakeError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
      }
      prompt('chatlake> ');
      continue;
    }
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
