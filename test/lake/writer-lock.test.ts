import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WriterLock } from '../../src/lake/writer-lock.js';
import { tempDir } from '../support/temp-dir.js';

const LOCK_MODULE = join(import.meta.dirname, '..', '..', 'src', 'lake', 'writer-lock.ts');

/** `node -e code` with the TypeScript loader, in its own process; `code` sees WriterLock and `dir`. */
function run(code: string, dir: string): { child: ChildProcess; out: Promise<string> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx/esm',
      '--input-type=module',
      '-e',
      `import { WriterLock } from ${JSON.stringify(LOCK_MODULE)};\nconst dir = ${JSON.stringify(dir)};\n${code}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    text += s;
  });
  return { child, out: new Promise((resolve) => child.once('close', () => resolve(text))) };
}

describe('WriterLock across processes', () => {
  it('is never held by two processes at once, however often they contend', async () => {
    const dir = tempDir();
    try {
      // Each holder creates a marker with O_EXCL and removes it before releasing: a second holder fails to.
      const worker = `
        import { openSync, closeSync, rmSync, existsSync, writeFileSync } from 'node:fs';
        writeFileSync(dir + '/ready-' + process.pid, '');
        while (!existsSync(dir + '/go')) await new Promise((r) => setTimeout(r, 5));
        const until = Date.now() + 2000;
        let held = 0, overlaps = 0;
        while (Date.now() < until) {
          const lock = WriterLock.tryAcquire(dir, 'contention test');
          if (!lock) continue;
          held++;
          try { closeSync(openSync(dir + '/inside', 'wx')); for (let i = 0; i < 5000; i++) Math.sqrt(i); rmSync(dir + '/inside'); }
          catch { overlaps++; }
          lock.release();
        }
        console.log(JSON.stringify({ held, overlaps }));`;
      const workers = [1, 2, 3].map(() => run(worker, dir.path).out);
      // All three start contending at once (their start-up times differ).
      while (readdirSync(dir.path).filter((f) => f.startsWith('ready-')).length < 3) await sleep(10);
      writeFileSync(join(dir.path, 'go'), '');
      const results = (await Promise.all(workers)).map(
        (s) => JSON.parse(s) as { held: number; overlaps: number },
      );
      expect(results.map((r) => r.overlaps)).toEqual([0, 0, 0]);
      for (const r of results) expect(r.held).toBeGreaterThan(0);
      expect(existsSync(join(dir.path, 'writer.lock'))).toBe(false);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('is taken over from a SIGKILLed holder (and says so), and release leaves a lock that is not its own', async () => {
    const dir = tempDir();
    try {
      const holder = run(
        `WriterLock.acquire(dir, 'doomed'); console.log('held'); setInterval(() => {}, 1000);`,
        dir.path,
      );
      while (!existsSync(join(dir.path, 'writer.lock'))) await sleep(10);
      expect(() => WriterLock.acquire(dir.path, 'test')).toThrow(
        /another chatlake process \(pid \d+, doomed\)/,
      );
      expect(WriterLock.tryAcquire(dir.path, 'test')).toBeNull();
      holder.child.kill('SIGKILL');
      await holder.out;

      const lock = WriterLock.acquire(dir.path, 'test');
      expect(lock.tookOver).toBe(true);
      // Held by this process: another acquisition here is refused too.
      expect(WriterLock.tryAcquire(dir.path, 'test')).toBeNull();
      const mine = readFileSync(join(dir.path, 'writer.lock'), 'utf8');
      lock.release();
      expect(existsSync(join(dir.path, 'writer.lock'))).toBe(false);

      const next = WriterLock.acquire(dir.path, 'test');
      expect(next.tookOver).toBe(false);
      lock.release(); // the earlier, released lock must not remove the current one
      expect(readFileSync(join(dir.path, 'writer.lock'), 'utf8')).not.toBe(mine);
      expect(WriterLock.tryAcquire(dir.path, 'test')).toBeNull();
      next.release();
      expect(existsSync(join(dir.path, 'writer.lock'))).toBe(false);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it("treats another machine's lock as held, unless the catalog's writer lease says that machine is idle", () => {
    const dir = tempDir();
    try {
      // pid 1 is alive here, but it is another machine's pid: only the lease can tell that holder is gone.
      const foreign = { pid: 1, host: 'another-machine', token: 't', purpose: 'ingest' };
      writeFileSync(join(dir.path, 'writer.lock'), JSON.stringify(foreign));
      expect(WriterLock.tryAcquire(dir.path, 'test')).toBeNull();
      const lock = WriterLock.acquire(dir.path, 'test', true);
      expect(lock.tookOver).toBe(true);
      lock.release();
    } finally {
      dir.remove();
    }
  });
});
