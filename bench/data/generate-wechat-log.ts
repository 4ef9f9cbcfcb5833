import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { generateWechatLog, type WechatLogOptions } from './wechat-log.js';

const program = new Command('generate-wechat-log')
  .description('Write a reproducible synthetic WeChat webhook log and FILE.expected.json')
  .requiredOption('--out <file>', 'log file to write')
  .option('--messages <n>', 'unique messages', Number)
  .addOption(new Option('--profile <p>', 'line sizes').choices(['small', 'real']))
  .addOption(new Option('--shape <s>', 'line shape').choices(['mixed', 'raw', 'request-log']))
  .option('--seed <n>', 'PRNG seed', Number)
  .option('--days <n>', 'days of create_time spread', Number)
  .option('--end-date <day>', 'last day of the spread (YYYY-MM-DD)')
  .option('--rooms <n>', 'chatrooms', Number)
  .option('--senders <n>', 'senders', Number)
  .option('--contact-rate <x>', 'contact records per message', Number)
  .option('--redelivery-rate <x>', 're-deliveries per message', Number)
  .option('--malformed-rate <x>', 'malformed lines per message', Number)
  .option('--event-rate <x>', 'other notify_types per message', Number)
  .option('--int-source-rate <x>', 'chance of an int source', Number)
  .option('--unknown-field-rate <x>', 'chance of unknown data keys', Number)
  .option('--blank-rate <x>', 'chance of a blank line after a line', Number)
  .option('--start-index <n>', 'first message index (continue a previous run)', Number)
  .option('--append', 'append to FILE instead of overwriting it')
  .option('--list-ids', 'list msg_ids in the expected JSON')
  .option('--no-list-ids', 'omit msg_ids from the expected JSON');

program.parse();
const { out, append, ...rest } = program.opts<
  Partial<WechatLogOptions> & { out: string; append?: boolean }
>();
const started = performance.now();
const expected = await generateWechatLog(rest, out, append ?? false);
const seconds = (performance.now() - started) / 1000;
writeFileSync(`${out}.expected.json`, `${JSON.stringify(expected)}\n`);
const { messageIds: _ids, duplicateIds: _dups, ...summary } = expected;
console.log(
  JSON.stringify(
    {
      ...summary,
      seconds: +seconds.toFixed(2),
      linesPerSecond: Math.round(expected.lines / seconds),
      avgLineBytes: Math.round(expected.bytes / expected.lines),
    },
    null,
    2,
  ),
);
