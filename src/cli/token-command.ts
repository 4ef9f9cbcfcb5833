import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { ChatlakeError } from '../core/errors.js';
import { ApiTokens, SCOPES, type Scope } from '../service/api-tokens.js';
import { verifyAuditChain } from '../service/audit-chain.js';
import { nonEmpty, oneOf, wholeNumber } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { printJson } from './print.js';

/** `chatlake token create|list|revoke` and `chatlake audit verify`. */
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

  program
    .command('audit')
    .description('The audit log')
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
