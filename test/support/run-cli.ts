import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'chatlake.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process (the same entry point users run). */
export function startCli(
  args: readonly string[],
  input?: string | Buffer | { open: true },
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  // `{ open: true }`: stdin stays open for the caller to write to (and end, or not).
  if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin!.end(input);
  else if (!input?.open) child.stdin!.end();
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(
  args: readonly string[],
  input?: string | Buffer,
  env?: NodeJS.ProcessEnv,
): Promise<CliResult> {
  return startCli(args, input, env).done;
}
