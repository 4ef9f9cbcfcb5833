import type { Command } from 'commander';
import { webhookModules } from '../app/platforms.js';
import { ChatlakeError } from '../core/errors.js';
import { nonEmpty, wholeNumber } from './flag-parsers.js';
import { globalFlags } from './global-flags.js';

/** `chatlake serve`: the long-running service (npm start). */
export function serveCommand(program: Command): void {
  const webhooks = webhookModules();
  program
    .command('serve')
    .description(
      `Run the service: ${webhooks.map((m) => `${m.title ?? m.name} webhook, `).join('')}REST API /api/v1, hot tier with background compaction`,
    )
    .option('--host <host>', 'address to bind (env CHATLAKE_HOST, default 127.0.0.1)', nonEmpty)
    .option(
      '--port <port>',
      'port 0–65535 (env CHATLAKE_PORT, default 8080; 0 picks a free one)',
      wholeNumber(0, 65535),
    )
    .option('--config <file>', 'JSON settings file (env CHATLAKE_CONFIG)', nonEmpty)
    .option('--webhook-secret <secret>', 'require this secret on the webhook (env CHATLAKE_WEBHOOK_SECRET)')
    .addHelpText(
      'after',
      `
Endpoints:
${webhooks.map((m) => `  ${`POST /webhook/${m.name}[/<secret>]`.padEnd(37)}${m.title ?? m.name} webhook (no token; the secret when configured)\n`).join('')}  GET  /health, /ready                 liveness and readiness (no token)
  /api/v1/...                          REST API (Authorization: Bearer <token>); see GET /openapi.json
  GET  /metrics                        Prometheus metrics (read scope)

The first start creates an admin token and prints it once. More: chatlake token create --scope read
Settings (file, env, flag): host, port, webhookSecret, bodyLimitBytes, hotMaxRows, hotMaxBytes,
hotMaxAgeSeconds, compactCheckSeconds, mergeMinFiles, mergeMaxBytes, idempotencyTtlHours,
deleteGraceHours, attachmentMaxBytes, attachmentTypes, logLevel.

Examples:
  chatlake serve
  chatlake serve --port 9000 --webhook-secret s3cr3t-value
  curl -X POST localhost:8080/webhook/${webhooks[0]?.name ?? '<platform>'} -H 'content-type: application/json' -d @payload.json`,
    )
    .action(
      async (
        opts: { host?: string; port?: number; config?: string; webhookSecret?: string },
        cmd: Command,
      ) => {
        const { openService } = await import('../app/open-service.js');
        const service = await openService(globalFlags(cmd), opts, undefined, { startOnListen: true });
        const { config } = service.context;
        let address: string;
        try {
          address = await service.listen();
        } catch (error) {
          await service.close();
          throw listenError(error, config.host, config.port);
        }
        if (service.firstAdminToken) {
          process.stdout.write(
            `First start: an admin token was created. It is shown only this once; keep it:\n\n  ${service.firstAdminToken}\n\n`,
          );
        }
        process.stderr.write(`chatlake serving ${service.context.lake.config.dataDir} on ${address}\n`);
        await new Promise<void>((resolve) => {
          for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
        });
        process.stderr.write('chatlake: shutting down (finishing requests, compacting the hot tier)\n');
        await service.close();
      },
    );
}

/** Why the service could not listen, with the fix, for the usual causes; anything else as it is. */
function listenError(error: unknown, host: string, port: number): unknown {
  const where = `${host}:${port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ChatlakeError(
        'busy',
        `${where} is already in use (another chatlake serve, or another program)`,
        'choose another port with --port (or CHATLAKE_PORT), or stop what holds it',
      );
    case 'EACCES':
      return new ChatlakeError(
        'config',
        `not allowed to listen on ${where}`,
        'ports under 1024 need privileges: use a higher one, e.g. --port 8080',
      );
    case 'EADDRNOTAVAIL':
      return new ChatlakeError(
        'config',
        `${host} is not an address of this machine`,
        'use 127.0.0.1, 0.0.0.0 (every interface) or one of its addresses: --host or CHATLAKE_HOST',
      );
    default:
      return error;
  }
}
