// The HTTP benchmark (issue 4): `chatlake serve` in its own process on loopback, loaded with autocannon from
// this one, against baselines measured in the same run. Bounded: every phase has a fixed duration or count.
//   node bin/run-ts.js bench/http/run.ts [--duration 10] [--connections 50] [--lake-messages 1000000]
//     [--hot 5000] [--read-connections 1,10] [--samples 20] [--cases webhook,read,visibility]
//     [--backends sqlite,postgres] [--cpu-prof]
// 1. webhook: single-message POSTs (distinct msg_ids, generated bodies) vs a no-op Fastify POST route,
//    then the stored messages are counted against the acknowledged ones (exactly once). Once per catalog
//    backend: SQLite in the data directory, and PostgreSQL (a server this script starts and removes).
// 2. read: GET /api/v1/conversations/<id>/messages?limit=50 on ≥ 1 M messages (lake + hot) vs GET /health:
//    the newest page of 20 conversations in turn (repeats: a read-ahead window may answer), then pages `before` a
//    random time (each one new), then each conversation walked back 20 pages by cursor (one client: half the
//    conversations as fast as it can, half with 30 ms between pages).
// 3. visibility: a webhook POST acknowledged → returned by the messages endpoint, median of `samples`.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLake } from '../../src/app/open-lake.js';
import { SqlSession } from '../../src/query/sql-session.js';
import { createDatabase, startPostgresServer } from '../../test/support/postgres-server.js';
import { type ServerProcess, startNodeServer, startServer } from '../../test/support/server-process.js';
import { Rng } from '../data/rng.js';
import { BodySource, conversationOf, webhookBodies } from './bodies.js';
import { type LoadResult, load, ms } from './load.js';
import { lakeStore } from './store.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'lake-messages': { type: 'string', default: '1000000' },
    hot: { type: 'string', default: '5000' },
    'read-connections': { type: 'string', default: '1,10' },
    samples: { type: 'string', default: '20' },
    cases: { type: 'string', default: 'webhook,read,visibility' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/out' },
  },
});
const out = args.out!;
mkdirSync(out, { recursive: true });
const duration = Number(args.duration);
const connections = Number(args.connections);
const cases = new Set(args.cases!.split(','));
type Backend = 'sqlite' | 'postgres';
const backends = args.backends!.split(',').map((b): Backend => {
  if (b === 'sqlite' || b === 'postgres') return b;
  throw new Error(`--backends: unknown catalog backend "${b}" (sqlite, postgres)`);
});
const profDir = join(out, 'http-prof');
const nodeFlags = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
const WARMUP = 2;

const results: Record<string, unknown> = {};
const log = (s: string) => process.stderr.write(`${s}\n`);
/** User + system CPU seconds a process used so far (all its threads), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** The load of `run`, and the server's CPU time per answered request (noise-robust beside the rates). */
async function measured(pid: number, run: () => Promise<LoadResult>) {
  const before = cpuSeconds(pid);
  const result = await run();
  const answered = Object.values(result.status).reduce((a, b) => a + b, 0);
  return { result, cpuMicrosPerRequest: Math.round(((cpuSeconds(pid) - before) / answered) * 1e6) };
}

const summary = (r: LoadResult) => ({
  perSecond: Math.round(r.perSecond),
  p50ms: ms(r.p50),
  p99ms: ms(r.p99),
  maxMs: ms(r.max),
  status: r.status,
  errors: r.errors,
  timeouts: r.timeouts,
});

function chatlake(
  dataDir: string,
  env: Record<string, string> = {},
  databaseUrl: string | null = null,
): Promise<ServerProcess> {
  const catalog = databaseUrl ? ['--database-url', databaseUrl] : [];
  return startServer(['--data-dir', dataDir, ...catalog, 'serve', '--port', '0'], env, 60_000, nodeFlags);
}

function adminToken(server: ServerProcess): string {
  const token = server.adminToken();
  if (!token) throw new Error(`no admin token on the server's stdout: ${server.stdout()}`);
  return token;
}

/** The server's event-loop delay since it started (warm-up and timed run), from its /metrics. */
async function loopDelay(server: ServerProcess): Promise<{ p99ms: number; maxMs: number }> {
  const text = await (
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${adminToken(server)}` } })
  ).text();
  const gauge = (name: string) =>
    +(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000).toFixed(1);
  return {
    p99ms: gauge('chatlake_event_loop_delay_p99_seconds'),
    maxMs: gauge('chatlake_event_loop_delay_max_seconds'),
  };
}

/** POSTs webhook bodies for `seconds` (or `amount` requests); records which msg_ids were acknowledged. */
function postWebhook(
  url: string,
  source: BodySource,
  acked: Set<string>,
  opts: { seconds?: number; amount?: number; connections: number },
): Promise<LoadResult> {
  return load({
    url,
    connections: opts.connections,
    ...(opts.amount === undefined ? { duration: opts.seconds } : { amount: opts.amount }),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/webhook/wechat',
        headers: { 'content-type': 'application/json' },
        setupRequest(req, context) {
          const { body, msgId } = source.take();
          context.msgId = msgId;
          return { ...req, body };
        },
        onResponse(status, body, context) {
          if (status === 200 && body.includes('"status":"ok"') && !body.includes('quarantined'))
            acked.add(context.msgId as string);
        },
      },
    ],
  });
}

/** One backend's webhook run against the baseline: load, then the exactly-once check on what was stored. */
async function webhookRun(
  backend: Backend,
  pool: readonly string[],
  base: { result: LoadResult; cpuMicrosPerRequest: number },
  databaseUrl: string | null,
): Promise<Record<string, unknown>> {
  const dataDir = join(out, `http-webhook-${backend}`);
  rmSync(dataDir, { recursive: true, force: true });
  const server = await chatlake(dataDir, {}, databaseUrl);
  const src = new BodySource(pool, 0);
  const acked = new Set<string>();
  let ours: LoadResult;
  let cpuMicros = 0;
  let loop = { p99ms: 0, maxMs: 0 };
  let stopMs = 0;
  try {
    await postWebhook(server.url, src, acked, { seconds: WARMUP, connections });
    const warmAcked = acked.size;
    const run = await measured(server.pid, () =>
      postWebhook(server.url, src, acked, { seconds: duration, connections }),
    );
    ours = run.result;
    cpuMicros = run.cpuMicrosPerRequest;
    loop = await loopDelay(server);
    log(
      `  chatlake webhook (${backend}): ${Math.round(ours.perSecond)}/s p50 ${ms(ours.p50)} ms p99 ${ms(ours.p99)} ms, ratio ${(ours.perSecond / base.result.perSecond).toFixed(3)}, server CPU ${cpuMicros} µs/request, event-loop delay p99 ${loop.p99ms} ms max ${loop.maxMs} ms (${acked.size - warmAcked} acknowledged in the timed run)`,
    );
  } finally {
    const t = performance.now();
    const { code } = await server.stop(120_000);
    stopMs = performance.now() - t;
    if (code !== 0) log(`  server exited with ${code}`);
  }

  // Exactly once: every acknowledged message stored once; nothing stored that was never sent. The server
  // moved its hot tier into Parquet at shutdown; the check reads the catalog's files of the same backend.
  const sent = new Set<string>();
  const replay = new BodySource(pool, 0);
  for (let i = 0; i < src.taken; i++) sent.add(replay.take().msgId);
  const stored = new Map<string, number>();
  const lake = await openLake({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    const session = await SqlSession.open(lake.catalog, lake.config.lakeDir);
    try {
      for await (const { rows } of session.run('SELECT message_id, count(*) AS n FROM messages GROUP BY 1'))
        for (const r of rows) stored.set(String(r.message_id), Number(r.n));
    } finally {
      session.close();
    }
  } finally {
    await lake.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
  const doubled = [...stored.values()].filter((n) => n > 1).length;
  const missing = [...acked].filter((id) => !stored.has(id)).length;
  const storedNotAcked = [...stored.keys()].filter((id) => !acked.has(id));
  return {
    catalog: backend,
    chatlake: { ...summary(ours), serverCpuMicrosPerRequest: cpuMicros, eventLoopDelay: loop },
    ratio: +(ours.perSecond / base.result.perSecond).toFixed(3),
    ratioMet: ours.perSecond / base.result.perSecond >= 0.5,
    cpuRatio: +(base.cpuMicrosPerRequest / cpuMicros).toFixed(3),
    p99Met: ours.p99 <= 10,
    exactlyOnce: {
      requestsSent: src.taken,
      acknowledged: acked.size,
      storedMessages: [...stored.values()].reduce((a, b) => a + b, 0),
      distinctStored: stored.size,
      storedTwice: doubled,
      acknowledgedMissing: missing,
      // Requests in flight when the warm-up and the timed run stopped (≤ connections each): stored,
      // but their answers were never read.
      storedNotAcknowledged: storedNotAcked.length,
      storedNeverSent: storedNotAcked.filter((id) => !sent.has(id)).length,
      met:
        doubled === 0 &&
        missing === 0 &&
        storedNotAcked.length <= 2 * connections &&
        storedNotAcked.every((id) => sent.has(id)),
    },
    shutdownSeconds: +(stopMs / 1000).toFixed(1),
  };
}

if (cases.has('webhook')) {
  const pool = await webhookBodies(200_000, { startIndex: 0 });
  log(
    `webhook: ${pool.length} bodies, ${Math.round(pool.reduce((n, b) => n + b.length, 0) / pool.length)} B each`,
  );

  const noop = await startNodeServer(['bin/run-ts.js', 'bench/http/noop-server.ts']);
  let base: { result: LoadResult; cpuMicrosPerRequest: number };
  try {
    const src = new BodySource(pool, 0);
    await postWebhook(noop.url, src, new Set(), { seconds: WARMUP, connections });
    base = await measured(noop.pid, () =>
      postWebhook(noop.url, src, new Set(), { seconds: duration, connections }),
    );
  } finally {
    await noop.stop(5_000);
  }
  log(
    `  no-op Fastify POST: ${Math.round(base.result.perSecond)}/s p50 ${ms(base.result.p50)} ms p99 ${ms(base.result.p99)} ms, server CPU ${base.cpuMicrosPerRequest} µs/request`,
  );

  const byBackend: Record<string, unknown> = {};
  for (const backend of backends) {
    if (backend === 'sqlite') {
      byBackend.sqlite = await webhookRun('sqlite', pool, base, null);
      continue;
    }
    // A real PostgreSQL server for this run only (the same starter as the tests and bench/catalog): default
    // settings, fsync on, its data in a temp dir that stop() removes.
    const t = performance.now();
    const pg = await startPostgresServer();
    try {
      const database = await createDatabase(pg.url);
      log(`  PostgreSQL started in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      byBackend.postgres = await webhookRun('postgres', pool, base, database.url);
    } finally {
      await pg.stop();
    }
  }
  results.webhook = {
    connections,
    seconds: duration,
    noopFastify: { ...summary(base.result), serverCpuMicrosPerRequest: base.cpuMicrosPerRequest },
    ...byBackend,
  };
}

if (cases.has('read') || cases.has('visibility')) {
  const store = await lakeStore(out, Number(args['lake-messages']));
  log(`read: ${store.messages} messages in the lake, ${store.conversations.length} conversations to page`);
  // Each conversation's time span in the lake (from the catalog, before the server opens it), for pages at
  // random positions.
  const spans = new Map<string, { firstAt: number; lastAt: number; messages: number }>();
  {
    const lake = await openLake({ dataDir: store.dataDir });
    try {
      const wanted = new Set(store.conversations.map((c) => c.id));
      for (const c of await lake.catalog.conversations())
        if (c.platform === 'wechat' && wanted.has(c.conversationId))
          spans.set(c.conversationId, { firstAt: c.firstAt, lastAt: c.lastAt, messages: c.messageCount });
    } finally {
      await lake.close();
    }
  }
  const server = await chatlake(store.dataDir, {
    CHATLAKE_HOT_MAX_ROWS: '10000000',
    CHATLAKE_HOT_MAX_BYTES: String(4 * 1024 ** 3),
    CHATLAKE_HOT_MAX_AGE_SECONDS: '86400',
  });
  try {
    const token = adminToken(server);
    const auth = { authorization: `Bearer ${token}` };
    // Hot rows: the next messages of the same world, on the day after the lake's last, so they are the newest.
    const hot = Number(args.hot);
    const hotPool = await webhookBodies(hot, {
      startIndex: store.nextIndex,
      endDate: '2026-02-01',
      days: 1,
    });
    const hotAcked = new Set<string>();
    await postWebhook(server.url, new BodySource(hotPool, store.nextIndex), hotAcked, {
      amount: hot,
      connections: 10,
    });
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { hotRows: number };
    log(`  ${hotAcked.size} messages posted, ${ready.hotRows} rows in the hot tier`);
    const paths = store.conversations.map(
      (c) => `/api/v1/conversations/${encodeURIComponent(`wechat:${c.id}`)}/messages?limit=50`,
    );
    // Every path answers a full page before anything is timed.
    for (const path of paths) {
      const r = await fetch(server.url + path, { headers: auth });
      const page = (await r.json()) as { messages?: unknown[] };
      if (r.status !== 200 || page.messages?.length !== 50)
        throw new Error(`${path}: ${r.status}, ${page.messages?.length} messages`);
    }

    if (cases.has('read')) {
      const levels = args['read-connections']!.split(',').map(Number);
      const byLevel: Record<string, unknown> = {};
      // Older pages: `before` a random time of the conversation's span (past its first 2 × 50 messages, as if
      // uniform), so almost every request is a page no one read before: a read-ahead window answers one only
      // when its time falls inside the rows an earlier page read.
      const rng = new Rng(4);
      const randomPath = (): string => {
        const c = store.conversations[rng.int(store.conversations.length)]!;
        const span = spans.get(c.id)!;
        const from = span.firstAt + Math.min(0.9, 100 / span.messages) * (span.lastAt - span.firstAt);
        const before = new Date(from + rng.next() * (span.lastAt - from)).toISOString();
        return `/api/v1/conversations/${encodeURIComponent(`wechat:${c.id}`)}/messages?limit=50&before=${before}`;
      };
      for (const c of levels) {
        const pages = (next: () => string, sizes: number[] = []) =>
          load({
            url: server.url,
            connections: c,
            duration,
            timeout: 10,
            headers: auth,
            requests: [
              {
                method: 'GET',
                setupRequest: (req) => ({ ...req, path: next() }),
                onResponse: (status, body) => {
                  if (status === 200)
                    sizes.push((JSON.parse(body) as { messages: unknown[] }).messages.length);
                },
              },
            ],
          });
        let k = 0;
        const newest = () => paths[k++ % paths.length]!;
        const health = () => load({ url: `${server.url}/health`, connections: c, duration, timeout: 10 });
        await load({ url: `${server.url}/health`, connections: c, duration: WARMUP });
        const h = await health();
        await pages(newest);
        const p = await pages(newest);
        const sizes: number[] = [];
        const r = await pages(randomPath, sizes);
        const full = sizes.filter((n) => n === 50).length;
        log(
          `  ${c} connection(s): newest page p50 ${ms(p.p50)} ms p99 ${ms(p.p99)} ms ${Math.round(p.perSecond)}/s; ` +
            `random older page p50 ${ms(r.p50)} ms p99 ${ms(r.p99)} ms ${Math.round(r.perSecond)}/s (${full} of ${sizes.length} full); ` +
            `/health p50 ${ms(h.p50)} ms ${Math.round(h.perSecond)}/s`,
        );
        byLevel[`${c}`] = {
          page: summary(p),
          health: summary(h),
          ratio: +(p.perSecond / h.perSecond).toFixed(3),
          p50Met: p.p50 <= 2,
          p99Met: p.p99 <= 10,
          randomOlderPage: {
            ...summary(r),
            fullPages: full,
            pages: sizes.length,
            ratio: +(r.perSecond / h.perSecond).toFixed(3),
            p50Met: r.p50 <= 2,
            p99Met: r.p99 <= 10,
          },
        };
      }
      // Scroll-back: one client walks each conversation by cursor, 20 pages of 50 from the newest (what a chat
      // app does); each page's latency, as the client sees it. Half the conversations are walked as fast as the
      // client can, half by a reader who takes 30 ms per page (a read ahead then has time to finish).
      const scrollBack = async (walked: readonly string[], thinkMs: number) => {
        const scroll: number[] = [];
        for (const path of walked) {
          let cursor: string | null = null;
          for (let n = 0; n < 20; n++) {
            const t = performance.now();
            const r = await fetch(`${server.url}${path}${cursor ? `&cursor=${cursor}` : ''}`, {
              headers: auth,
            });
            const page = (await r.json()) as { messages: unknown[]; nextCursor: string | null };
            scroll.push(performance.now() - t);
            if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
            cursor = page.nextCursor;
            if (!cursor) break;
            await new Promise((done) => setTimeout(done, thinkMs));
          }
        }
        scroll.sort((a, b) => a - b);
        const at = (f: number) =>
          +scroll[Math.min(scroll.length - 1, Math.floor(scroll.length * f))]!.toFixed(2);
        const stats = {
          thinkMs,
          pages: scroll.length,
          p50ms: at(0.5),
          p90ms: at(0.9),
          p99ms: at(0.99),
          maxMs: at(1),
        };
        log(
          `  scroll-back by cursor, 1 client, ${thinkMs} ms between pages: ${stats.pages} pages, p50 ${stats.p50ms} ms, p90 ${stats.p90ms} ms, p99 ${stats.p99ms} ms`,
        );
        return stats;
      };
      const scrollBackFast = await scrollBack(
        paths.filter((_, i) => i % 2 === 0),
        0,
      );
      const scrollBackReader = await scrollBack(
        paths.filter((_, i) => i % 2 === 1),
        30,
      );
      results.read = {
        scrollBack: [scrollBackFast, scrollBackReader],
        lakeMessages: store.messages,
        hotRows: ready.hotRows,
        conversations: store.conversations.length,
        conversationSizes: store.conversations.map((c) => c.messages),
        seconds: duration,
        byConnections: byLevel,
      };
    }

    if (cases.has('visibility')) {
      const n = Number(args.samples);
      // Text messages only (a revoke, say, is stored as a revocation and never listed).
      const pool = (await webhookBodies(n * 8, { startIndex: store.nextIndex + hot })).filter((b) =>
        b.includes('"msg_type":1,'),
      );
      if (pool.length < 2 * n) throw new Error(`only ${pool.length} text messages for 2 × ${n} samples`);
      // Each sample: a message sent now (the newest of its conversation), then the conversation's newest page
      // polled every 5 ms until it shows. Twice: for a conversation nobody has open (its page is read from the
      // lake), and for one a client has open (its newest page was read just before the message came).
      const visibility = async (open: boolean, texts: readonly string[]) => {
        const samples: number[] = [];
        let firstPoll = 0;
        for (const text of texts) {
          const env = JSON.parse(text) as { data: { create_time: number; msg_id: string } };
          env.data.create_time = Math.floor(Date.now() / 1000);
          const want = `wechat:${env.data.msg_id}`;
          const pagePath = `/api/v1/conversations/${encodeURIComponent(`wechat:${conversationOf(text)}`)}/messages?limit=50`;
          if (open) await (await fetch(`${server.url}${pagePath}`, { headers: auth })).text();
          const r = await fetch(`${server.url}/webhook/wechat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(env),
          });
          await r.text();
          if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
          const acked = performance.now();
          let seen = Number.NaN;
          let lastError = '';
          let polls = 0;
          while (performance.now() - acked < 5_000) {
            polls++;
            const r = await fetch(`${server.url}${pagePath}`, { headers: auth });
            const page = (await r.json()) as { messages?: { id: string }[] };
            if (r.status !== 200) lastError = `${r.status} ${JSON.stringify(page)}`;
            if (page.messages?.some((m) => m.id === want)) {
              seen = performance.now() - acked;
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          if (Number.isNaN(seen)) log(`  ${want} not seen in 5 s; last error: ${lastError || 'none'}`);
          samples.push(seen);
          firstPoll += polls === 1 && !Number.isNaN(seen) ? 1 : 0;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const sorted = samples.filter((s) => !Number.isNaN(s)).sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
        log(
          `  visibility, conversation ${open ? 'open' : 'not open'}: median ${ms(median)} ms, max ${ms(sorted.at(-1) ?? Number.NaN)} ms`,
        );
        return {
          samples: texts.length,
          neverSeen: samples.length - sorted.length,
          // Seen by the first GET after the acknowledgement: the time is then one page read.
          seenOnFirstPoll: firstPoll,
          medianMs: ms(median),
          maxMs: ms(sorted.at(-1) ?? Number.NaN),
          met: sorted.length === texts.length && median <= 1000,
        };
      };
      results.visibility = {
        notOpen: await visibility(false, pool.slice(0, n)),
        open: await visibility(true, pool.slice(n, 2 * n)),
      };
    }
  } finally {
    const { code } = await server.stop(120_000);
    if (code !== 0) log(`  server exited with ${code}`);
    rmSync(store.dataDir, { recursive: true, force: true });
  }
}

console.log(JSON.stringify(results, null, 2));
