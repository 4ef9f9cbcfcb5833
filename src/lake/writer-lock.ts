import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ChatlakeError } from '../core/errors.js';

/** Tells this process's locks from a dead process's that had the same pid (pid reuse, containers). */
const INSTANCE = randomBytes(8).toString('hex');
const HOST = hostname();
/** A takeover marker older than this was left by a process that died while taking over. */
const STALE_TAKEOVER_MS = 10_000;

interface Holder {
  pid: number;
  /** The holder's machine: its pid means nothing on another one. */
  host?: string;
  instance?: string;
  token?: string;
  purpose: string;
}

/**
 * One writer of Parquet files per data directory at a time (ingest, compaction, repair): a lock file
 * holding the owner's pid. A lock whose process is gone (a crash, SIGKILL) is taken over.
 *
 * The file appears with its contents at once (written under a private name, then hard-linked into place,
 * which fails if the lock exists), so nobody can read a half-written lock and take it for a dead one. A
 * takeover is serialised by a second file created with O_EXCL, so two processes that find the same dead
 * holder cannot both take over; release removes the lock only if it is still this lock.
 */
export class WriterLock {
  private constructor(
    private readonly path: string,
    private readonly token: string,
    /** True when the lock was taken over from a process that died holding it: its unregistered files are orphans. */
    readonly tookOver: boolean,
  ) {}

  /**
   * `leaseHeld`: the caller holds the catalog's writer lease (PostgreSQL), so a holder on another machine is
   * not writing (it would hold the lease): its lock is a leftover of a node that died, and is taken over.
   */
  static acquire(dataDir: string, purpose: string, leaseHeld = false): WriterLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'writer.lock');
    let tookOver = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = randomBytes(8).toString('hex');
      if (create(path, { pid: process.pid, host: HOST, instance: INSTANCE, token, purpose })) {
        return new WriterLock(path, token, tookOver);
      }
      const holder = readHolder(path);
      if (holder === undefined) continue; // released meanwhile
      if (holder && isAlive(holder, leaseHeld)) {
        throw new ChatlakeError(
          'busy',
          `another chatlake process (pid ${holder.pid}, ${holder.purpose}) is writing to ${dataDir}`,
          'wait for it to finish, or stop it; a lock left by a crashed process is taken over automatically',
        );
      }
      if (!removeDeadLock(path, holder)) {
        throw new ChatlakeError('busy', `another process is taking over the writer lock ${path}`);
      }
      tookOver = true;
    }
    throw new ChatlakeError('busy', `could not take the writer lock ${path}`);
  }

  /** The lock, or null if another live process holds it (background jobs skip a round instead of failing). */
  static tryAcquire(dataDir: string, purpose: string, leaseHeld = false): WriterLock | null {
    try {
      return WriterLock.acquire(dataDir, purpose, leaseHeld);
    } catch (error) {
      if (error instanceof ChatlakeError && error.code === 'busy') return null;
      throw error;
    }
  }

  release(): void {
    if (readHolder(this.path)?.token === this.token) rmSync(this.path, { force: true });
  }
}

/** Creates the lock file with its contents in one step; false if a lock exists. */
function create(path: string, holder: Holder): boolean {
  const staged = `${path}.${process.pid}.${holder.token}`;
  writeFileSync(staged, JSON.stringify({ ...holder, since: new Date().toISOString() }));
  try {
    linkSync(staged, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(staged, { force: true });
  }
}

/**
 * Removes a lock whose holder is dead (or unreadable: a lock file from before locks were written whole),
 * unless another process is doing so right now. Returns false when it is.
 */
function removeDeadLock(path: string, dead: Holder | null): boolean {
  const marker = `${path}.takeover`;
  try {
    writeFileSync(marker, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!isStale(marker)) return false;
    rmSync(marker, { force: true });
    return removeDeadLock(path, dead);
  }
  try {
    // Still the same dead holder (nobody took over and released in between)? Then it goes.
    const now = readHolder(path);
    if (now !== undefined && JSON.stringify(now) === JSON.stringify(dead)) rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(marker, { force: true });
  }
}

function isStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_TAKEOVER_MS;
  } catch {
    return true;
  }
}

/** The holder, null if the file does not parse, undefined if there is no lock file. */
function readHolder(path: string): Holder | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as Holder;
  } catch {
    return null;
  }
}

function isAlive(holder: Holder, leaseHeld: boolean): boolean {
  if (holder.host !== undefined && holder.host !== HOST) return !leaseHeld;
  if (holder.pid === process.pid) return holder.instance === INSTANCE;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
