import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresDatabase } from '../support/postgres-database.js';
import { tempDir } from '../support/temp-dir.js';
import {
  andParts,
  type CommandKind,
  classify,
  readmeCommands,
  SKIPPED,
  stripComment,
} from './readme-commands.js';
import {
  BAD_LINES,
  HOME_MESSAGES,
  MEETING_MESSAGES,
  RAW_MESSAGES,
  README_ROOM,
  README_SENDER,
  TODAY_MESSAGES,
  writeReadmeFixtures,
} from './readme-fixtures.js';
import { runShell, type ShellProcess, type ShellResult, startShell } from './shell-run.js';

/**
 * Issue 12's bar: every command printed in README.md runs as printed, in a fresh clone after `npm install`.
 *
 * The README is parsed at test time (its ```sh blocks), so this follows the README as it changes.
 *
 * How it is run, and why that is faithful:
 * - "a fresh clone": the repository's files (tracked and untracked-not-ignored, from the working tree) are copied
 *   to a temp dir, with `node_modules` a link to this checkout's (the same installed packages, no npm install:
 *   it compiles better-sqlite3 for a minute), and the package's `dependencies` lifecycle script is run there
 *   (`npm run dependencies`), which is what `npm install` runs after installing: it builds `dist/`.
 * - every command runs with `bash -c` in that copy, as printed, so `npx chatlake` resolves the project's own bin
 *   exactly as a user's does (npm 11 and the project's `.npmrc`, `strict-allow-scripts` included), `./data` is
 *   the data directory, and relative names (`payload.json`, `jan.csv`, …) are files of the copy.
 * - the environment is the user's, minus what the test runner adds (npm_*, VITEST*, NODE_ENV, CHATLAKE_*), with
 *   HOME a temp dir (`~/wechat_webhook.log` is generated there; npm's cache, and the npx cache it fills, go
 *   there too) and npm's user config still the real `~/.npmrc`.
 * - commands of one README block share shell variables as one session would: `TOKEN=$(…)` is kept for the
 *   commands after it.
 *
 * Substitutions (the only changes to a command's text or environment), each for a reason:
 * - `npm start` runs with env CHATLAKE_PORT=<free port> and `localhost:8080` in URLs becomes `localhost:<that
 *   port>`: port 8080 may be taken on a shared machine (CHATLAKE_PORT is the README's own setting);
 * - `--port 9000` becomes `--port <another free port>`, for the same reason;
 * - a `postgres://…` URL becomes a fresh database of the test PostgreSQL server;
 * - `chatlake:<id>` becomes the id the README's previous `POST /api/v1/conversations` answered;
 * - `7f3c…` (an elided idempotency key) becomes a complete key.
 * Placeholder inputs (`~/wechat_webhook.log`, `data/messages/raw/`, `today.jsonl`, `big.log`, `payload.json`,
 * `weekly-report.sql`, `chatlake.json`) are generated (readme-fixtures.ts) so that what each command promises
 * can be checked: e.g. chatroom 4800000000@chatroom on 2026-01-23, ids 1000000000042/43, quarantine entries 12
 * and 13, images from wxid_abc.
 */

const REPO = resolve(import.meta.dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

interface Entry {
  line: number;
  section: string;
  text: string;
  kind: CommandKind;
  reason?: string;
}

const entries: Entry[] = readmeCommands(README).flatMap((c) =>
  andParts(c.text).map((text) => ({ line: c.line, section: c.section, text, ...classify(text) })),
);
const runnable = entries.filter((e) => e.kind !== 'skip' && e.kind !== 'unclassified');

describe('the README extractor', () => {
  test('reads continuations, comments, quotes and substitutions as bash does', () => {
    const md = [
      '## one',
      '```sh',
      'npx chatlake ingest a.log   # a comment',
      '  # only a comment',
      "curl -H 'x: a # not a comment' localhost:8080/x \\",
      '     -d \'{"a":"#b"}\'   # trailing',
      'TOKEN=$(npx chatlake token create --scope write)',
      'X=postgres://u@h/db npx chatlake migrate --json',
      'cat today.jsonl | npx chatlake ingest -',
      '```',
      '```ts',
      'npx chatlake not-shell',
      '```',
      '### two',
      '```sh',
      'npm install && npm start',
      '```',
    ].join('\n');
    expect(readmeCommands(md)).toEqual([
      { line: 3, section: 'one', text: 'npx chatlake ingest a.log' },
      { line: 5, section: 'one', text: `curl -H 'x: a # not a comment' localhost:8080/x -d '{"a":"#b"}'` },
      { line: 7, section: 'one', text: 'TOKEN=$(npx chatlake token create --scope write)' },
      { line: 8, section: 'one', text: 'X=postgres://u@h/db npx chatlake migrate --json' },
      { line: 9, section: 'one', text: 'cat today.jsonl | npx chatlake ingest -' },
      { line: 16, section: 'two', text: 'npm install && npm start' },
    ]);
    expect(stripComment('echo "a#b" c#d # e')).toBe('echo "a#b" c#d ');
    expect(andParts('npm install && npm start')).toEqual(['npm install', 'npm start']);
    expect(andParts("a '&&' b && c $(d && e)")).toEqual(["a '&&' b", 'c $(d && e)']);
    expect(classify('TOKEN=$(npx chatlake token create --scope write)').kind).toBe('assign-cli');
    expect(classify('CHATLAKE_DATABASE_URL=postgres://x/y npx chatlake migrate --json').kind).toBe('cli');
    expect(classify('cat today.jsonl | npx chatlake ingest -').kind).toBe('pipe-cli');
    expect(classify('npm start').kind).toBe('service');
    expect(classify('npx chatlake sql').kind).toBe('prompt');
    expect(classify('npm run bench:http').kind).toBe('skip');
    expect(classify('make all').kind).toBe('unclassified');
  });

  test('finds the README commands, classifies every one, and every skip-list entry still names one', () => {
    expect(runnable.length).toBeGreaterThan(30);
    expect(entries.filter((e) => e.kind === 'unclassified').map((e) => `README:${e.line} ${e.text}`)).toEqual(
      [],
    );
    for (const skip of SKIPPED.filter((s) => !s.mayBeAbsent))
      expect(
        entries.some((e) => e.kind === 'skip' && skip.pattern.test(e.text)),
        `skip-list entry ${skip.pattern} names no README command: remove it`,
      ).toBe(true);
  });
});

/** Everything the commands share: the copy, its environment, the service, shell variables. */
interface World {
  tmp: { path: string; remove(): void };
  project: string;
  home: string;
  env: NodeJS.ProcessEnv;
  port: number;
  port2: number;
  pg: { url: string; drop(): Promise<void> };
  vars: Record<string, string>;
  conversationId?: string;
  /** The id the README's message-posting curl answered (for `<message id>`). */
  messageId?: string;
  service?: ShellProcess;
  /** A service command ran already (the first start is the one that prints the admin token). */
  started?: boolean;
  /** Commands started ahead of their turn (they depend on nothing the others change). */
  background: Map<Entry, Promise<ShellResult>>;
}

let world: World | undefined;
let setupError: unknown;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** The environment a user's shell would have: this one minus what npm, vitest and the test setup add. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(npm_|VITEST|CHATLAKE_|INIT_CWD$|NODE_ENV$|TEST$)/i.test(k)) env[k] = v;
  return { ...env, HOME: home, npm_config_userconfig: join(homedir(), '.npmrc'), NO_COLOR: '1' };
}

/** Copies the repository's files (as a clone would have them, from the working tree) to `to`. */
function copyCheckout(to: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO })
    .toString()
    .split('\0')
    .filter((f) => f !== '' && f !== 'node_modules' && !f.startsWith('node_modules/'));
  for (const f of files) {
    const from = join(REPO, f);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(from, join(to, f));
  }
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(to, 'node_modules'));
}

beforeAll(async () => {
  try {
    const tmp = tempDir('chatlake-readme-');
    const project = join(tmp.path, 'chatlake');
    const home = join(tmp.path, 'home');
    mkdirSync(home);
    copyCheckout(project);
    const env = userEnv(home);
    const [build, , pg, port, port2] = await Promise.all([
      // What `npm install` runs in a clone once the packages are in place: the project's own lifecycle scripts
      // (today `dependencies`, which builds dist/; before, `prepare`).
      runShell('npm run --if-present prepare && npm run --if-present dependencies', {
        cwd: project,
        env,
        guardMs: 240_000,
      }),
      writeReadmeFixtures(project, home),
      postgresDatabase(),
      freePort(),
      freePort(),
    ]);
    world = { tmp, project, home, env, port, port2, pg, vars: {}, background: new Map() };
    if (build.code !== 0) throw new Error(`the install scripts failed (${build.code}):\n${build.stderr}`);
    // `npm run …` commands (type-check, lint) depend on no lake state: they start now, beside the others.
    for (const e of runnable)
      if (e.kind === 'npm-run')
        world.background.set(e, runShell(e.text, { cwd: project, env, guardMs: 300_000 }));
  } catch (error) {
    setupError = error;
  }
}, 300_000);

afterAll(async () => {
  if (!world) return;
  await Promise.all(world.background.values());
  if (world.service) {
    world.service.signal('SIGTERM');
    await world.service.done;
  }
  await world.pg.drop();
  world.tmp.remove();
}, 120_000);

function ready(): World {
  if (setupError) throw setupError;
  if (!world) throw new Error('setup did not finish');
  return world;
}

/** The command's text with the documented substitutions (see the comment at the top), and the env it needs. */
function substitute(w: World, text: string): string {
  let out = text
    .replaceAll('localhost:8080', `localhost:${w.port}`)
    .replace(/--port 9000\b/, `--port ${w.port2}`)
    .replace(/postgres:\/\/\S+/g, w.pg.url)
    .replaceAll('7f3c…', '7f3c5e0a-readme-test');
  if (out.includes('<message id>')) {
    if (!w.messageId) throw new Error('no message was posted before this command names <message id>');
    out = out.replaceAll('chatlake:<message id>', w.messageId).replaceAll('<message id>', w.messageId);
  }
  if (out.includes('<id>')) {
    if (!w.conversationId) throw new Error('no conversation was created before this command names <id>');
    out = out.replaceAll('chatlake:<id>', w.conversationId).replaceAll('<id>', w.conversationId);
  }
  return out;
}

function envFor(w: World): NodeJS.ProcessEnv {
  return { ...w.env, ...w.vars };
}

/** A one-line summary of a result, for assertion messages. */
function show(r: ShellResult): string {
  return `exit ${r.code ?? r.signal}${r.killed ? ' (killed: hung)' : ''}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(-2000)}`;
}

/**
 * Commands that change no state a later command reads (the lake, the catalog, files other commands read): they
 * may run beside the command before them. `query … --output F` writes a file no command reads.
 */
function readOnly(e: Entry): boolean {
  return (
    e.kind === 'cli' &&
    /^npx chatlake (query|get|sql|duplicates|stats|quarantine (list|show)|token list|audit verify)\b/.test(
      e.text,
    )
  );
}

/** Runs an ordinary command once (a second call returns the same run). */
function launch(w: World, e: Entry): Promise<ShellResult> {
  let p = w.background.get(e);
  if (!p) {
    p = run(w, substitute(w, e.text));
    w.background.set(e, p);
  }
  return p;
}

async function run(w: World, script: string, input?: string): Promise<ShellResult> {
  return runShell(script, { cwd: w.project, env: envFor(w), input, guardMs: 180_000 });
}

/** Starts a service command (`npm start`, `npx chatlake serve …`) and resolves with its URL once it listens. */
async function startService(w: World, text: string): Promise<{ proc: ShellProcess; url: string }> {
  const env = { ...envFor(w), ...(text === 'npm start' ? { CHATLAKE_PORT: String(w.port) } : {}) };
  const proc = startShell(substitute(w, text), { cwd: w.project, env, guardMs: 600_000 });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const check = setInterval(() => {
      const m = / on (http:\/\/\S+)/.exec(proc.stderr());
      if (m) {
        clearInterval(check);
        resolveUrl(m[1]!);
      }
    }, 100);
    proc.done.then((r) => {
      clearInterval(check);
      reject(new Error(`the service exited before listening: ${show(r)}`));
    });
  });
  return { proc, url };
}

async function service(w: World): Promise<void> {
  if (w.service) return;
  const start = entries.find((e) => e.text === 'npm start' && /serve/.test(e.section));
  if (!start)
    throw new Error('the README no longer starts the service with `npm start` in its serve section');
  w.service = (await startService(w, start.text)).proc;
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * What each command promises beyond its exit code (first match wins; the default is exit 0). Checks read only
 * what the README says the command does.
 */
const CHECKS: { match: RegExp; check: (r: ShellResult, w: World) => void }[] = [
  {
    match: /^npx chatlake ingest ~\/wechat_webhook\.log data\/messages\/raw\/$/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${HOME_MESSAGES + RAW_MESSAGES} messages, `));
      expect(r.stdout).toContain(`${BAD_LINES} lines quarantined`);
    },
  },
  {
    // "again: only new bytes are read" (nothing was appended).
    match: /^npx chatlake ingest ~\/wechat_webhook\.log$/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toMatch(/^0 messages, /);
      expect(r.stdout).toMatch(/\n0 lines \(/);
    },
  },
  {
    match: /^cat today\.jsonl \| npx chatlake ingest -$/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${TODAY_MESSAGES} messages, `));
    },
  },
  {
    match: /ingest big\.log --json/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const summary = JSON.parse(r.stdout) as Record<string, number>;
      for (const key of [
        'linesRead',
        'messages',
        'contacts',
        'events',
        'duplicates',
        'quarantined',
        'bytesRead',
        'seconds',
        'files',
      ])
        expect(summary, `summary key ${key}`).toHaveProperty(key);
      expect(summary.messages).toBeGreaterThan(0);
    },
  },
  {
    match: /query .*--conversation 4800000000@chatroom/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const rows = jsonLines(r.stdout);
      expect(rows.length, show(r)).toBeGreaterThan(0);
      for (const row of rows) expect(String(row.conversation_id)).toContain(README_ROOM);
    },
  },
  {
    match: /query .*--format csv --output jan\.csv/,
    check: (r, w) => {
      expect(r.code, show(r)).toBe(0);
      const csv = readFileSync(join(w.project, 'jan.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toContain('sender_id');
      expect(csv.length, 'jan.csv has rows').toBeGreaterThan(1);
      expect(csv.slice(1).every((l) => l.includes(README_SENDER))).toBe(true);
    },
  },
  {
    match: /query --text 开会 --limit 20/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const rows = jsonLines(r.stdout);
      expect(rows).toHaveLength(Math.min(20, MEETING_MESSAGES));
      for (const row of rows) expect(String(row.text)).toContain('开会');
      expect(r.stdout + r.stderr, 'prints a --cursor for the next page').toContain('--cursor');
    },
  },
  {
    match: /--format parquet --output 2026\.parquet/,
    check: (r, w) => {
      expect(r.code, show(r)).toBe(0);
      const bytes = readFileSync(join(w.project, '2026.parquet'));
      expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    },
  },
  {
    match: /--dataset contacts/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(jsonLines(r.stdout).length, show(r)).toBeGreaterThan(0);
    },
  },
  {
    match: /^npx chatlake get /,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toContain('1000000000042');
      expect(r.stdout).toContain('1000000000043');
    },
  },
  {
    match: /^npx chatlake sql "SELECT conversation_id/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toContain(README_ROOM);
    },
  },
  {
    match: /^npx chatlake sql "SELECT count\(\*\) FROM messages; SELECT count\(\*\) FROM contacts"/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const counts = jsonLines(r.stdout) as { 'count_star()': unknown }[];
      expect(counts.length, 'both statements print their result').toBe(2);
      for (const c of counts) expect(typeof c['count_star()'], show(r)).toBe('number');
    },
  },
  {
    match: /^npx chatlake sql "COPY .* TO 'images\.parquet'"/,
    check: (r, w) => {
      expect(r.code, show(r)).toBe(0);
      const [written] = jsonLines(r.stdout) as { rows_written: number }[];
      expect(written?.rows_written, show(r)).toBeGreaterThan(0);
      expect(readFileSync(join(w.project, 'images.parquet')).subarray(0, 4).toString()).toBe('PAR1');
    },
  },
  {
    match: /sql --format csv < weekly-report\.sql/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toContain('conversation_id');
      expect(r.stdout).toContain('kind');
    },
  },
  {
    match: /postgres:\/\/\S+ npx chatlake migrate --json$/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const report = JSON.parse(r.stdout) as { backend: string; ran: string[] };
      expect(report.backend, show(r)).toBe('postgres');
      expect(report.ran.length, 'a fresh database gets every migration').toBeGreaterThan(0);
    },
  },
  {
    match: /^npx chatlake migrate$/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout, show(r)).toMatch(/catalog (already|now) at /);
    },
  },
  {
    match: /--json$/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(() => JSON.parse(r.stdout), show(r)).not.toThrow();
    },
  },
  {
    match: /^npx chatlake (stats|quarantine list|quarantine show|token list)\b/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout.trim(), show(r)).not.toBe('');
    },
  },
  {
    match: /^npx chatlake token create/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout.trim(), show(r)).toMatch(/^clk_\S+$/);
    },
  },
  {
    match: /webhook\/wechat/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      expect(JSON.parse(r.stdout), show(r)).toMatchObject({ status: 'ok' });
    },
  },
  {
    match: /\/messages\?limit=50/,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const body = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(body, show(r)).not.toHaveProperty('error');
      expect(JSON.stringify(body), 'the chatroom messages ingested before').toContain('1000000000099');
    },
  },
  {
    match: /\/ack -d /,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const body = JSON.parse(r.stdout) as { acks: { participantId: string; readAt: string | null }[] };
      expect(body.acks, show(r)).toEqual([expect.objectContaining({ participantId: 'bob' })]);
      expect(body.acks[0]!.readAt, 'state read sets readAt').not.toBeNull();
    },
  },
  {
    match: /^curl /,
    check: (r) => {
      expect(r.code, show(r)).toBe(0);
      const body = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(body, show(r)).not.toHaveProperty('error');
      expect(body, show(r)).toHaveProperty('id');
    },
  },
];

/**
 * Behaviour a command's README comment documents beyond the printed run, checked with a variant of the command
 * right after it: the variant's text and the exit code the comment promises.
 */
const DOCUMENTED: { match: RegExp; name: string; variant: (text: string) => string; code: number }[] = [
  {
    match: /^npx chatlake get \d+/,
    name: 'exit 3 if an id is not stored',
    variant: (text) => `${text} 999999999999999999`,
    code: 3,
  },
];

describe('every README command runs as printed', () => {
  for (const e of runnable) {
    test(`README:${e.line} ${e.text}`, { timeout: 300_000 }, async () => {
      const w = ready();
      const check = (r: ShellResult) =>
        (CHECKS.find((c) => c.match.test(e.text))?.check ?? ((x) => expect(x.code, show(x)).toBe(0)))(r, w);
      switch (e.kind) {
        case 'service': {
          const first = !w.started;
          w.started = true;
          const { proc, url } = await startService(w, e.text);
          const health = await fetch(`${url.replace('localhost', '127.0.0.1')}/health`);
          expect(health.status, await health.text()).toBe(200);
          // `npm start`: "http://127.0.0.1:8080, data in ./data" (the port set by CHATLAKE_PORT, see the top).
          const port = e.text === 'npm start' ? w.port : w.port2;
          expect(url).toBe(`http://127.0.0.1:${port}`);
          expect(proc.stderr()).toMatch(/serving \S*data on /);
          // "The first start creates an admin token and prints it once."
          if (first) expect(proc.stdout(), 'the first start prints an admin token').toMatch(/\bclk_\S+/);
          else expect(proc.stdout()).not.toMatch(/\bclk_\S+/);
          proc.signal('SIGTERM');
          const r = await proc.done;
          expect(r.killed, show(r)).toBe(false);
          return;
        }
        case 'prompt': {
          // A terminal: `script` gives the command a pseudo-terminal, a statement is typed, `.exit` leaves.
          const cmd = substitute(w, e.text).replaceAll("'", `'\\''`);
          const r = await run(w, `script -qec '${cmd}' /dev/null`, 'SELECT 42 AS answer;\n.exit\n');
          expect(r.code, show(r)).toBe(0);
          expect(r.stdout, 'a prompt, as on a terminal').toContain('chatlake> ');
          expect(r.stdout, show(r)).toMatch(/answer\s+42\b/);
          return;
        }
        case 'assign-cli': {
          const name = /^([A-Za-z_]\w*)=/.exec(e.text)![1]!;
          const r = await run(w, `${substitute(w, e.text)}\ns=$?\nprintf '%s' "$${name}"\nexit $s`);
          expect(r.code, show(r)).toBe(0);
          expect(r.stdout, `${name} must not be empty: ${show(r)}`).not.toBe('');
          if (name === 'TOKEN') expect(r.stdout).toMatch(/^clk_\S+$/);
          w.vars[name] = r.stdout;
          return;
        }
        case 'curl': {
          await service(w);
          const r = await run(w, substitute(w, e.text));
          check(r);
          if (/\/api\/v1\/conversations\s+-d/.test(e.text)) {
            const id = (JSON.parse(r.stdout) as { id: string }).id;
            w.conversationId = id.includes(':') ? id : `chatlake:${id}`;
          }
          if (/\/messages\s+-d/.test(e.text)) w.messageId = (JSON.parse(r.stdout) as { id: string }).id;
          return;
        }
        default: {
          // Two at a time through runs of commands that change nothing the next ones read.
          const next = runnable[runnable.indexOf(e) + 1];
          const r = launch(w, e);
          if (next && readOnly(e) && readOnly(next)) launch(w, next);
          check(await r);
        }
      }
    });
    for (const d of DOCUMENTED.filter((x) => x.match.test(e.text)))
      test(`README:${e.line} documented: ${d.name}`, { timeout: 300_000 }, async () => {
        const w = ready();
        const r = await run(w, d.variant(substitute(w, e.text)));
        expect(r.code, show(r)).toBe(d.code);
      });
  }
});
