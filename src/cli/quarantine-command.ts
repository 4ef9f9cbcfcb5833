import { isUtf8 } from 'node:buffer';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { filePlatformNames } from '../app/platforms.js';
import type { Catalog, QuarantineStatus } from '../catalog/catalog.js';
import { ChatlakeError } from '../core/errors.js';
import { retryQuarantine } from '../ingest/retry-quarantine.js';
import { oneOf, wholeNumber, wholeNumbers } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { printJson, printTable } from './print.js';

export function quarantineCommand(program: Command): void {
  const q = program
    .command('quarantine')
    .description('Payloads that could not be decoded: kept with their raw bytes, source and reason');
  q.command('list')
    .description('List quarantined payloads, oldest first, a page at a time')
    .option('--status <status>', STATUSES.join(' | '), oneOf(STATUSES), 'open')
    .option('--limit <n>', 'at most this many, a page (1–100000)', wholeNumber(1, 100_000), 50)
    .option('--after <id>', 'only entries after this id (the next page)', wholeNumber(0))
    .option('--json', 'print JSON (an array; "N more" goes to stderr)')
    .addHelpText(
      'after',
      `\nExamples:\n  chatlake quarantine list\n  chatlake quarantine list --status all --limit 200\n  chatlake quarantine list --after 50 --json`,
    )
    .action(
      async (
        opts: { status: (typeof STATUSES)[number]; limit: number; after?: number; json?: boolean },
        cmd: Command,
      ) => {
        const status = opts.status === 'all' ? undefined : (opts.status as QuarantineStatus);
        const { limit, after } = opts;
        const lake = await openLake(globalFlags(cmd));
        try {
          const rows = await lake.catalog.quarantine({ status, limit, afterId: after });
          const last = rows.at(-1)?.id;
          const more = last === undefined ? 0 : await lake.catalog.quarantineCount({ status, afterId: last });
          const hint =
            more > 0
              ? `${more} more: chatlake quarantine list --after ${last}` +
                `${opts.status === 'open' ? '' : ` --status ${opts.status}`}${opts.limit === 50 ? '' : ` --limit ${limit}`}\n`
              : '';
          if (opts.json) {
            printJson(rows.map(({ raw, ...r }) => ({ ...r, bytes: raw.length, preview: preview(raw) })));
            process.stderr.write(hint);
            return;
          }
          if (rows.length === 0) return void process.stdout.write('quarantine is empty\n');
          printTable(
            rows.map((r) => [
              r.id,
              r.status,
              r.seen,
              `${r.source.split('/').pop()}:${r.line ?? '-'}`,
              r.reason.slice(0, 60),
              preview(r.raw, 40),
            ]),
            ['id', 'status', 'seen', 'source:line', 'reason', 'payload'],
          );
          process.stdout.write(hint);
        } finally {
          await lake.close();
        }
      },
    );
  q.command('dismiss')
    .description('Close open entries that will never decode (kept, marked dismissed, with the reason)')
    .argument('[ids...]', 'quarantine ids (or --all)', wholeNumbers)
    .option('--all', 'every open entry')
    .option('--reason <text>', 'why (kept with each entry)', 'dismissed by hand')
    .option('--dry-run', 'print what would be dismissed, change nothing')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A dismissed entry stays in the catalog (quarantine show, list --status dismissed); the same bytes quarantined
again only bump its seen count, it does not reopen. All of it happens in one catalog transaction.

Examples:
  chatlake quarantine dismiss 12 13 --reason "upstream 502 page"
  chatlake quarantine dismiss --all --dry-run`,
    )
    .action(
      async (
        ids: number[] = [],
        opts: { all?: boolean; reason: string; dryRun?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        if (opts.all && ids.length > 0)
          throw new ChatlakeError('invalid_argument', 'name quarantine ids or --all, not both');
        if (!opts.all && ids.length === 0)
          throw new ChatlakeError('invalid_argument', 'name quarantine ids to dismiss, or --all');
        if (opts.reason.trim() === '')
          throw new ChatlakeError('invalid_argument', '--reason must not be empty');
        const lake = await openLake(globalFlags(cmd));
        try {
          const r = await dismissQuarantine(lake.catalog, opts.all ? 'all' : ids, opts.reason, !!opts.dryRun);
          if (opts.json) return printJson(r);
          const verb = r.dryRun ? 'would dismiss' : 'dismissed';
          process.stdout.write(
            `${verb} ${r.dismissed.length} entr${r.dismissed.length === 1 ? 'y' : 'ies'}` +
              `${r.dismissed.length ? `: ${r.dismissed.join(' ')}` : ''}\n`,
          );
          for (const n of r.notOpen) process.stdout.write(`${n.id}: not open (${n.status}), left as it is\n`);
        } finally {
          await lake.close();
        }
      },
    );
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
            `reason:  ${row.reason}\nbytes:   ${row.raw.length} (sha256 ${row.contentHash})\n` +
            `seen:    ${row.seen} time(s), last ${new Date(row.lastSeenAt).toISOString()}\n` +
            `${row.dismissReason ? `dismissed: ${row.dismissReason}\n` : ''}\n${preview(row.raw, 4000)}\n`,
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
      `payload format: ${filePlatformNames().join(' | ')}`,
      oneOf(filePlatformNames()),
      filePlatformNames()[0],
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

/** What `quarantine dismiss` did (or would do, on a dry run). */
export interface DismissResult {
  dryRun: boolean;
  dismissed: number[];
  notOpen: { id: number; status: QuarantineStatus }[];
}

async function dismissQuarantine(
  catalog: Catalog,
  ids: number[] | 'all',
  reason: string,
  dryRun: boolean,
): Promise<DismissResult> {
  const notOpen: DismissResult['notOpen'] = [];
  const open: number[] = [];
  if (ids === 'all') {
    for (let afterId = 0; ; ) {
      const page = await catalog.quarantine({ status: 'open', afterId, limit: 1000 });
      if (page.length === 0) break;
      for (const r of page) open.push(r.id);
      afterId = page.at(-1)!.id;
    }
  } else {
    for (const id of [...new Set(ids)]) {
      const row = await catalog.quarantineEntry(id);
      if (!row)
        throw new ChatlakeError(
          'not_found',
          `no quarantine entry ${id}`,
          'list them with: chatlake quarantine list',
        );
      if (row.status === 'open') open.push(id);
      else notOpen.push({ id, status: row.status });
    }
  }
  if (dryRun) return { dryRun, dismissed: open.sort((a, b) => a - b), notOpen };
  const dismissed = await catalog.write((tx) => tx.dismissQuarantine(ids === 'all' ? 'all' : open, reason));
  return { dryRun, dismissed, notOpen };
}

const STATUSES = ['open', 'resolved', 'dismissed', 'retried', 'all'] as const;

function preview(raw: Uint8Array, max = 4000): string {
  const buf = Buffer.from(raw);
  const text = isUtf8(buf) ? buf.toString('utf8') : `<not UTF-8> ${buf.toString('utf8')}`;
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
