import { createServer } from 'node:http';
import type { Command } from 'commander';
import { openLake } from '../app/open-lake.js';
import { lakeStats } from '../stats/lake-stats.js';
import { globalFlags } from './global-flags.js';

/** A minimal service for now: health and lake statistics over HTTP (the full API comes with the service issue). */
export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the service (for now: GET /health and GET /stats) on 127.0.0.1')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port', Number, 8080)
    .action(async (opts: { host: string; port: number }, cmd: Command) => {
      const lake = await openLake(globalFlags(cmd));
      const server = createServer((req, res) => {
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        };
        if (req.method === 'GET' && req.url === '/health') return send(200, { status: 'ok' });
        if (req.method === 'GET' && req.url === '/stats') {
          return void lakeStats(lake.catalog).then(
            (s) => send(200, s),
            (e: Error) => send(500, { error: { code: 'internal', message: e.message } }),
          );
        }
        send(404, { error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } });
      });
      await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
      process.stderr.write(
        `chatlake serving ${lake.config.dataDir} on http://${opts.host}:${opts.port} (GET /health, /stats)\n`,
      );
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const)
          process.once(signal, () => server.close(() => resolve()));
      });
      await lake.close();
    });
}
