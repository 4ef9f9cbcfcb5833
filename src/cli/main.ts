import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { examplePlatform } from '../app/platforms.js';
import { ChatlakeError, EXIT_CODES } from '../core/errors.js';
import { compactCommand } from './compact-command.js';
import { configCommand } from './config-command.js';
import { nonEmpty } from './flag-parsers.js';
import { getCommand } from './get-command.js';
import { platformOptionFlags } from './global-flags.js';
import { ingestCommand } from './ingest-command.js';
import { migrateCommand } from './migrate-command.js';
import { quarantineCommand } from './quarantine-command.js';
import { queryCommand } from './query-command.js';
import { serveCommand } from './serve-command.js';
import { sqlCommand } from './sql-command.js';
import { statsCommand } from './stats-command.js';
import { tokenCommand } from './token-command.js';
import { duplicatesCommand, validateCommand } from './validate-command.js';

/** The command running (for the EPIPE handler, installed once per process). */
let command = '';
let stdoutWatched = false;

/** Runs the CLI; returns the exit code. Errors are printed once, here, with their fix when known. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('chatlake')
    .description('A store and data lake for chat messages: exactly-once ingest into day-partitioned Parquet.')
    .option('--data-dir <dir>', 'data directory (env CHATLAKE_DATA_DIR, default ./data)', nonEmpty)
    .option(
      '--tz <zone>',
      'time zone of partitions and dates (env CHATLAKE_TZ; default UTC); a lake keeps the zone a writer is given',
      nonEmpty,
    )
    .option(
      '--database-url <url>',
      'PostgreSQL catalog, postgres://user:password@host/db (env CHATLAKE_DATABASE_URL; default: SQLite in the data directory)',
    );
  for (const option of platformOptionFlags()) program.addOption(option);
  program
    .option('--debug', 'print stack traces of unexpected errors')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addHelpText(
      'after',
      `
Examples:
  chatlake ingest ${examplePlatform().example ?? '<file>'}
  chatlake query --from 2026-01-23 --conversation 4800000000@chatroom --format table
  chatlake --data-dir /srv/chatlake --tz Asia/Shanghai stats
  chatlake config
  chatlake <command> --help`,
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const add of [
    ingestCommand,
    queryCommand,
    getCommand,
    sqlCommand,
    statsCommand,
    duplicatesCommand,
    validateCommand,
    quarantineCommand,
    compactCommand,
    migrateCommand,
    serveCommand,
    tokenCommand,
    configCommand,
  ])
    add(program);
  program.hook('preAction', (_, action) => {
    command = action.name();
  });
  if (!stdoutWatched) {
    // `chatlake query … | head`: the reader closed the pipe. Stop quietly, as Unix tools do; a service whose
    // stdout went away keeps serving.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      if (command !== 'serve') process.exit(0);
    });
    stdoutWatched = true;
  }
  // main() may run more than once in a process (tests): each run starts with no exit code of its own.
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ChatlakeError) {
      process.stderr.write(`chatlake: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
      return EXIT_CODES[error.code];
    }
    const debug = program.opts().debug;
    process.stderr.write(`chatlake: unexpected error: ${(error as Error).message}\n`);
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    else process.stderr.write('  hint: run again with --debug for the stack trace, and please report it\n');
    return EXIT_CODES.internal;
  }
}

/** The version in package.json (two levels up from src/cli/ and from dist/cli/ alike). */
function packageVersion(): string {
  const path = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
