import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { examplePlatform, fileEndingsText, filePlatformNames } from '../app/platforms.js';
import type { IngestListener } from '../ingest/ingest-events.js';
import { ingest } from '../ingest/ingest-run.js';
import { numberIn, oneOf } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';
import { formatBytes, printJson } from './print.js';

export function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .description(
      `Store messages from webhook logs and exports: files, directories (their ${fileEndingsText()} files), or - for stdin`,
    )
    .argument('<inputs...>', 'files, directories, or - (stdin)')
    .option(
      '--platform <name>',
      `payload format of the inputs: ${filePlatformNames().join(' | ')} (default: sniffed from each file's first lines)`,
      oneOf(filePlatformNames()),
    )
    .option('--batch-mb <n>', 'input megabytes per commit (memory use grows with it)', numberIn(0.01, 1024))
    .option('--json', 'print one JSON summary object instead of text')
    .option('--no-progress', 'no progress bar even on a terminal')
    .addHelpText(
      'after',
      `
Each input is read from where the last run stopped (a checkpoint per file); files that were truncated
or rotated are read again from the start, and records already stored are skipped, so re-running is
always safe. Lines that cannot be decoded go to quarantine (see: chatlake quarantine list).
Ctrl-C stops after storing what was read so far (exit code 130); the next run goes on from there.
An input whose every line was quarantined (read from its start) is probably not a log: a warning names it
and the exit code is 1 (what else was read is stored).

Examples:
  chatlake ingest ${examplePlatform().example ?? '<file>'}
  chatlake ingest data/messages/raw/ --json
  cat today.jsonl | chatlake ingest -`,
    )
    .action(
      async (
        inputs: string[],
        opts: { platform?: string; batchMb?: number; json?: boolean; progress: boolean },
        cmd: Command,
      ) => {
        const lake = await openLake({
          ...globalFlags(cmd),
          ...(opts.batchMb ? { batchBytes: opts.batchMb * 1024 * 1024 } : {}),
        });
        const bar = opts.progress && !opts.json && process.stderr.isTTY ? progressBar() : null;
        const stop = stopOnSignals(() => bar?.stop());
        try {
          const summary = await ingest(lake, inputs, {
            platform: opts.platform,
            listener: {
              progress: bar?.progress,
              // On stderr whatever the output: a cron job's log should say why a file was read again.
              notice(n) {
                bar?.stop();
                process.stderr.write(`note: ${n.source}: ${n.message}\n`);
              },
            },
            signal: stop.signal,
          });
          bar?.stop();
          if (summary.interrupted) {
            process.exitCode = 130;
            // Reading stdin may still be pending: let the process end.
            process.stdin.destroy();
          }
          for (const source of summary.allQuarantined)
            process.stderr.write(
              `warning: ${source}: every line was quarantined: is it a ${opts.platform ?? filePlatformNames().join(' or ')} webhook log? ` +
                `(see: chatlake quarantine list; dismiss them with: chatlake quarantine dismiss --all)\n`,
            );
          if (summary.allQuarantined.length > 0 && !summary.interrupted) process.exitCode = 1;
          if (opts.json) printJson(summary);
          else {
            process.stdout.write(
              `${summary.messages} messages, ${summary.contacts} contacts, ${summary.events} events stored; ` +
                `${summary.duplicates} duplicates skipped; ${summary.quarantined} lines quarantined\n` +
                `${summary.linesRead} lines (${formatBytes(summary.bytesRead)}) from ${summary.sources} source(s) ` +
                `in ${summary.seconds.toFixed(2)} s, ${summary.files} Parquet file(s) written\n`,
            );
            if (summary.quarantined > 0) process.stdout.write('see them with: chatlake quarantine list\n');
            if (summary.interrupted)
              process.stdout.write(
                'interrupted: what was read is stored; run the same command again to go on\n',
              );
          }
        } finally {
          stop.dispose();
          bar?.stop();
          await lake.close();
        }
      },
    );
}

/**
 * Ctrl-C (or SIGTERM) stops the ingest after it stored what it read so far, with its checkpoint; a second one
 * quits at once (nothing is lost either way: a commit is whole or absent, and the next run goes on).
 */
function stopOnSignals(beforeNotice: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    beforeNotice();
    process.stderr.write(`\n${name}: storing what was read, then stopping (again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function progressBar(): { progress: NonNullable<IngestListener['progress']>; stop(): void } {
  const bar = new SingleBar({
    format:
      ' {bar} {percentage}% | {done}/{size} | {lines} lines | {rate} lines/s | ETA {eta_formatted} | {source}',
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 20,
  });
  const started = performance.now();
  let current = '';
  let active = false;
  return {
    progress(p) {
      const payload = {
        done: formatBytes(p.bytesDone),
        size: formatBytes(p.bytesTotal),
        lines: p.lines,
        rate: Math.round(p.lines / ((performance.now() - started) / 1000)),
        source: p.source.split('/').pop(),
      };
      if (current !== p.source || !active) {
        if (active) bar.stop();
        bar.start(Math.max(1, p.bytesTotal), p.bytesDone, payload);
        current = p.source;
        active = true;
      } else bar.update(p.bytesDone, payload);
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
