import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'chatlake.js');

/** A server in its own process: `chatlake serve` as users run it (tests, bench/http), or a baseline server. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** What the process printed on stdout so far (the first start prints the admin token there). */
  stdout(): string;
  /** The tail of what it printed on stderr (warnings, errors). */
  stderr(): string;
  /** The admin token printed at the first start, or null (a later start, or another node made it). */
  adminToken(): string | null;
  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful: finish requests, compact the hot tier), SIGKILL after `graceMs`; the exit code. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts `node bin/chatlake.js <args>` (e.g. `--data-dir D serve --port 0`) and resolves once it prints
 * "… on http://host:port" on stderr. `env` is added to this process's environment (e.g.
 * CHATLAKE_HOT_MAX_ROWS); `nodeFlags` go before the script (e.g. --cpu-prof).
 */
export function startServer(
  args: readonly string[],
  env: Record<string, string> = {},
  startMs = 60_000,
  nodeFlags: readonly string[] = [],
): Promise<ServerProcess> {
  return startNodeServer([...nodeFlags, BIN, ...args], env, startMs);
}

/** Starts `node <argv>` (any server that prints "… on http://host:port" on stderr once listening). */
export function startNodeServer(
  argv: readonly string[],
  env: Record<string, string> = {},
  startMs = 60_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, CHATLAKE_LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${startMs} ms: ${err}`));
    }, startMs);
    let listening = false;
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      if (err.length > 1 << 20) err = err.slice(-(1 << 16));
      if (listening) return;
      const m = / on (http:\/\/[^\s]+)/.exec(err);
      if (!m) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url: m[1]!.replace('localhost', '127.0.0.1'),
        pid: child.pid!,
        stdout: () => out,
        stderr: () => err,
        adminToken: () => /\b(clk_\S+)/.exec(out)?.[1] ?? null,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async stop(graceMs = 60_000) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(kill);
          return result;
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!listening) reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}
