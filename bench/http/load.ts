import autocannon, { type Options, type Result } from 'autocannon';

export interface LoadResult {
  seconds: number;
  /** Responses by status code, as counted by autocannon. */
  status: Record<string, number>;
  ok: number;
  errors: number;
  timeouts: number;
  perSecond: number;
  /** Exact percentiles of every response's latency (autocannon's own histogram rounds to whole ms). */
  p50: number;
  p99: number;
  max: number;
}

/** One autocannon run; latencies are kept per response so sub-millisecond percentiles are exact. */
export async function load(opts: Options): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon(opts);
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const r: Result = await instance;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const status: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats)) status[code] = s.count;
  return {
    seconds: r.duration,
    status,
    ok: r['2xx'],
    errors: r.errors,
    timeouts: r.timeouts,
    perSecond: r['2xx'] / r.duration,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? NaN,
  };
}

export const ms = (n: number) => +n.toFixed(2);
