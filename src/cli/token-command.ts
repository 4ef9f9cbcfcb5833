import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { ChatlakeError } from '../core/errors.js';
import { CursorCodec } from '../query/cursor-codec.js';
import { ApiTokens, SCOPES, type Scope } from '../service/api-tokens.js';
import { verifyAuditChain } from '../service/audit-chain.js';
import { AuditLog } from '../service/audit-log.js';
import { nonEmpty, oneOf, wholeNumber } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { printJson, printTable } from './print.js';

/** `chatlake token create|list|revoke` and `chatlake audit list|verify`. */
export function tokenCommand(program: Command): void {
  const token = program.command('token').description('Manage API bearer tokens (stored hashed; shown once)');
  token
    .command('create')
    .description('Create a token and print it once')
    .option('--scope <scope>', `one of ${SCOPES.join(', ')} (admin ⊃ write ⊃ read)`, oneOf(SCOPES), 'read')
    .option('--name <name>', 'a label to recognise it by', nonEmpty, 'cli')
    .option('--json', 'print {id, token} as JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake token create --scope read --name grafana\n  chatlake token create --scope write --name importer --json`,
    )
    .action(async (opts: { scope: string; name: string; json?: boolean }, cmd: Command) => {
      if (!(SCOPES as readonly string[]).includes(opts.scope)) {
        throw new ChatlakeError(
          'invalid_argument',
          `unknown scope "${opts.scope}"`,
          `use one of ${SCOPES.join(', ')}`,
        );
      }
      await withTokens(cmd, async (tokens) => {
        const t = await tokens.create(opts.name, opts.scope as Scope, 'cli');
        if (opts.json) printJson(t);
        else process.stdout.write(`${t.token}\n`);
        process.stderr.write(`token ${t.id} (${opts.scope}) created; it is not shown again\n`);
      });
    });
  token
    .command('list')
    .description('List tokens (never their secrets)')
    .option('--json', 'JSON output')
    .addHelpText('after', `\nExamples:\n  chatlake token list\n  chatlake token list --json`)
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withTokens(cmd, async (tokens) => {
        const rows = (await tokens.list()).map(({ tokenHash, ...t }) => t);
        if (opts.json) return printJson(rows);
        for (const t of rows) {
          const state = t.revokedAt ? `revoked ${new Date(t.revokedAt).toISOString()}` : 'active';
          process.stdout.write(`${t.id}\t${t.scopes.join(',')}\t${state}\t${t.name}\n`);
        }
      }),
    );
  token
    .command('revoke')
    .description('Revoke a token at once')
    .argument('<id>', 'token id (see token list)', wholeNumber(1))
    .addHelpText('after', `\nExamples:\n  chatlake token revoke 3`)
    .action(async (id: number, _opts: unknown, cmd: Command) =>
      withTokens(cmd, async (tokens) => {
        if (!(await tokens.revoke(id, 'cli'))) throw new ChatlakeError('not_found', `no active token ${id}`);
        process.stderr.write(`token ${id} revoked\n`);
      }),
    );

  const audit = program.command('audit').description('The audit log');
  audit
    .command('list')
    .description('List audit entries, oldest first; prints --after (or --cursor) for the next page')
    .option('--limit <n>', 'at most n entries (1-1000)', wholeNumber(1, 1000), 100)
    .option('--after <id>', 'entries after this entry id', wholeNumber(0))
    .option('--cursor <cursor>', 'continue after the page that printed this cursor (same filters)')
    .option('--actor <actor>', 'only this actor, e.g. token:3 or cli')
    .option('--action <action>', 'only this action, e.g. message.delete or token.create')
    .option('--target <target>', 'only this target, e.g. chatlake:team or token:3')
    .option('--json', 'print {entries, nextCursor, nextAfter} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  chatlake audit list --action token.create\n  chatlake audit list --limit 50 --after 200 --json\n',
    )
    .action(async (opts: AuditListFlags, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const log = new AuditLog(lake.catalog, CursorCodec.forDataDir(lake.config.dataDir));
        const page = await log.list(opts);
        if (opts.json) return printJson(page);
        printTable(
          page.entries.map((e) => [e.id, e.at, e.actor, e.action, e.target, JSON.stringify(e.detail)]),
          ['id', 'at', 'actor', 'action', 'target', 'detail'],
        );
        if (page.nextAfter !== null) process.stderr.write(`next page: --after ${page.nextAfter}\n`);
      } finally {
        await lake.close();
      }
    });
  audit
    .command('verify')
    .description('Check the hash chain of the audit log; exit 1 if any entry was altered or removed')
    .option('--json', 'JSON output')
    .addHelpText('after', `\nExamples:\n  chatlake audit verify\n  chatlake audit verify --json`)
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const entries = await lake.catalog.auditLog();
        const verdict = verifyAuditChain(entries);
        const head = entries.at(-1)?.hash ?? null;
        if (opts.json) printJson({ ...verdict, head });
        else if (verdict.ok)
          process.stdout.write(`audit log intact: ${verdict.entries} entries, head ${head ?? '-'}\n`);
        else
          process.stdout.write(
            `audit log BROKEN at entry ${verdict.problem!.id}: ${verdict.problem!.reason}\n`,
          );
        if (!verdict.ok) process.exitCode = 1;
      } finally {
        await lake.close();
      }
    });
}

async function withTokens(cmd: Command, fn: (tokens: ApiTokens) => Promise<void>): Promise<void> {
  const lake = await openLake(globalFlags(cmd));
  try {
    await fn(new ApiTokens(lake.catalog));
  } finally {
    await lake.close();
  }
}

interface AuditListFlags {
  limit: number;
  after?: number;
  cursor?: string;
  actor?: string;
  action?: string;
  target?: string;
  json?: boolean;
}
