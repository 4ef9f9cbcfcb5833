import { type ChildProcess, spawn } from 'node:child_process';

export interface ShellResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the guard killed it (a hang, not an assertion on time). */
  killed: boolean;
}

/** A `bash -c SCRIPT` in its own process group (so npm/npx and the node they start get signals together). */
export interface ShellProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<ShellResult>;
  /** Sends the signal to the whole process group. */
  signal(signal: NodeJS.Signals): void;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

export function startShell(
  script: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; guardMs?: number },
): ShellProcess {
  const child = spawn('bash', ['-c', script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.input ?? '');
  const guard = setTimeout(() => {
    killed = true;
    killGroup(child, 'SIGKILL');
  }, options.guardMs ?? 120_000);
  const done = new Promise<ShellResult>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      live.delete(child);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    signal: (signal) => killGroup(child, signal),
  };
}

export function runShell(
  script: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; guardMs?: number },
): Promise<ShellResult> {
  return startShell(script, options).done;
}
