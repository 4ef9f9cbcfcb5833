import { type ChildProcess, spawn } from 'node:child_process';

/** A server in its own process (so the load generator stays off its event loop). */
export interface ServerProcess {
  readonly url: string;
  /** What the process printed on stdout before it started listening (the first admin token). */
  readonly stdout: () => string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `node <args>` and resolves once it prints "… on http://host:port" on stderr. */
export function startServer(
  args: readonly string[],
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
  startMs = 60_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeFlags, ...args], {
    env: { ...process.env, CHATLAKE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${startMs} ms: ${err}`));
    }, startMs);
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      if (err.length > 1 << 20) err = err.slice(-(1 << 16));
      const m = / on (http:\/\/[^\s]+)/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!.replace('localhost', '127.0.0.1'),
        stdout: () => out,
        pid: child.pid!,
        async stop(graceMs = 120_000) {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const code = await exited;
          clearTimeout(kill);
          return code;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${err}`));
    });
  });
}
