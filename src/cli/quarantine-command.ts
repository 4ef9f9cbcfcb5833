import { isUtf8 } from 'node:buffer';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import type { QuarantineStatus } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import { retryQuarantine } from '../ingest/retry-quarantine.js';
import { INPUT_PLATFORMS, oneOf, wholeNumber, wholeNumbers } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { printJson, printTable } from './print.js';

export function quarantineCommand(program: Command): void {
  const q = program
    .command('quarantine')
    .description('Payloads that could not be decoded: kept with their raw bytes, source and reason');
  q.command('list')
    .description('List quarantined payloads')
    .option('--status <status>', 'open | resolved | all', oneOf(['open', 'resolved', 'all'] as const), 'open')
    .option('--limit <n>', 'at most this many (1–100000)', wholeNumber(1, 100_000), 50)
    .option('--after <id>', 'only entries after this id (paging)', wholeNumber(0))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake quarantine list\n  chatlake quarantine list --status all --limit 200\n  chatlake quarantine list --after 50 --json`,
    )
    .action(async (opts: { status: string; limit: number; after?: number; json?: boolean }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const status = opts.status === 'all' ? undefined : (opts.status as QuarantineStatus);
        const rows = await lake.catalog.quarantine({ status, limit: opts.limit, afterId: opts.after });
        if (opts.json)
          return printJson(rows.map(({ raw, ...r }) => ({ ...r, bytes: raw.length, preview: preview(raw) })));
        if (rows.length === 0) return void process.stdout.write('quarantine is empty\n');
        printTable(
          rows.map((r) => [
            r.id,
            r.status,
            `${r.source.split('/').pop()}:${r.line ?? '-'}`,
            r.reason.slice(0, 60),
            preview(r.raw, 40),
          ]),
          ['id', 'status', 'source:line', 'reason', 'payload'],
        );
      } finally {
        await lake.close();
      }
    });
  q.command('show')
    .description('Show one quarantined payload')
    .argument('<id>', 'quarantine id', wholeNumber(1))
    .option('--raw', 'write the payload bytes exactly as received, nothing else')
    .option('--json', 'print JSON (raw as base64)')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake quarantine show 12\n  chatlake quarantine show 12 --raw > payload.bin`,
    )
    .action(async (id: number, opts: { raw?: boolean; json?: boolean }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      try {
        const row = await lake.catalog.quarantineEntry(id);
        if (!row)
          throw new ChatlakeError(
            'not_found',
            `no quarantine entry ${id}`,
            'list them with: chatlake quarantine list',
          );
        if (opts.raw) return void process.stdout.write(row.raw);
        if (opts.json) return printJson({ ...row, raw: Buffer.from(row.raw).toString('base64') });
        process.stdout.write(
          `id:      ${row.id} (${row.status})\nsource:  ${row.source}\nline:    ${row.line ?? '-'} (byte ${row.byteOffset ?? '-'})\n` +
            `reason:  ${row.reason}\nbytes:   ${row.raw.length}\n\n${preview(row.raw, 4000)}\n`,
        );
      } finally {
        await lake.close();
      }
    });
  q.command('retry')
    .description('Decode quarantined payloads again; those that decode now are stored and marked resolved')
    .argument('[ids...]', 'quarantine ids (or --all)', wholeNumbers)
    .option('--all', 'every open entry')
    .option(
      '--platform <name>',
      `payload format: ${INPUT_PLATFORMS.join(' | ')}`,
      oneOf(INPUT_PLATFORMS),
      'wechat',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake quarantine retry 12 13\n  chatlake quarantine retry --all --json`,
    )
    .action(
      async (ids: number[], opts: { all?: boolean; platform: string; json?: boolean }, cmd: Command) => {
        if (!opts.all && ids.length === 0) {
          throw new ChatlakeError('invalid_argument', 'name quarantine ids to retry, or --all');
        }
        const lake = await openLake(globalFlags(cmd));
        try {
          const r = await retryQuarantine(lake, opts.all ? 'all' : ids, opts.platform);
          if (opts.json) return printJson(r);
          process.stdout.write(
            `${r.resolved} of ${r.retried} resolved (${r.messages} messages, ${r.contacts} contacts, ${r.events} events stored, ` +
              `${r.duplicates} already stored); ${r.stillFailing.length} still failing\n`,
          );
        } finally {
          await lake.close();
        }
      },
    );
}

function preview(raw: Uint8Array, max = 4000): string {
  const buf = Buffer.from(raw);
  const text = isUtf8(buf) ? buf.toString('utf8') : `<not UTF-8> ${buf.toString('utf8')}`;
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
