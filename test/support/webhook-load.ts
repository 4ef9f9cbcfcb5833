import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng } from '../../bench/data/rng.js';

/** Where a body comes from: the next new message (an unused msg_id each time). */
export interface BodySupply {
  take(): { body: string; msgId: string };
}

export interface LoadOptions {
  /** Concurrent client loops. */
  clients: number;
  /** Chance that a request re-delivers an earlier body (same bytes, same msg_id) instead of a new one. */
  redeliveryRate: number;
  /** Pause after each request, 0…pauseMs (bounds the load on a shared machine). */
  pauseMs: number;
  /** A new message goes to every target at once (overlapping deliveries); a re-delivery to one of them. */
  overlap?: boolean;
}

export interface Answer {
  status: number;
  body: string;
}

/**
 * Posts WeChat webhook bodies over real loopback HTTP from concurrent clients and keeps the books an
 * exactly-once check needs: what was sent, what was acknowledged (200 {"status":"ok"}), and what got no
 * answer at all (the connection died: the server may or may not have stored it).
 */
export class WebhookLoad {
  /** Every body ever sent, by msg_id. */
  readonly sent = new Map<string, string>();
  /** msg_ids some request for which was answered 200 {"status":"ok"} (not quarantined). */
  readonly acked = new Set<string>();
  /** msg_ids some request for which ended without an answer (connection refused, reset, cut). */
  readonly unanswered = new Set<string>();
  /** The first answers that were neither a 200 ok nor a lost connection (counts.unexpected counts them all). */
  readonly unexpected: string[] = [];
  readonly counts = { requests: 0, acked: 0, redeliveriesAcked: 0, lost: 0, unexpected: 0 };
  private readonly ids: string[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly supply: BodySupply,
    private readonly rng: Rng,
  ) {}

  /** Starts the client loops against `targets()` (read before every request); stop() ends them. */
  run(targets: () => readonly string[], opts: LoadOptions): { stop(): Promise<void> } {
    let stopped = false;
    const loop = async (): Promise<void> => {
      while (!stopped) {
        const urls = targets();
        if (urls.length === 0) {
          await sleep(10);
          continue;
        }
        const redeliver = this.ids.length > 0 && this.rng.chance(opts.redeliveryRate);
        let msgId: string;
        let body: string;
        if (redeliver) {
          msgId = this.ids[this.rng.int(this.ids.length)]!;
          body = this.sent.get(msgId)!;
        } else {
          ({ msgId, body } = this.supply.take());
          this.sent.set(msgId, body);
          this.ids.push(msgId);
        }
        const to = redeliver || !opts.overlap ? [urls[this.rng.int(urls.length)]!] : urls;
        const answers = await Promise.all(to.map((url) => this.post(url, msgId, body, redeliver)));
        const lost = answers.includes(false);
        await sleep(lost ? 20 : this.rng.int(opts.pauseMs + 1));
      }
    };
    const loops = Array.from({ length: opts.clients }, loop);
    return {
      stop: async () => {
        stopped = true;
        await Promise.all(loops);
      },
    };
  }

  /** GET with a bearer token (readers); rejects when the connection fails. */
  get(url: string, token: string): Promise<Answer> {
    return this.send(url, 'GET', undefined, { authorization: `Bearer ${token}` });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One delivery; false when the connection failed (no answer). */
  private async post(url: string, msgId: string, body: string, redelivery: boolean): Promise<boolean> {
    this.counts.requests++;
    let answer: Answer;
    try {
      answer = await this.send(`${url}/webhook/wechat`, 'POST', body, { 'content-type': 'application/json' });
    } catch {
      this.counts.lost++;
      this.unanswered.add(msgId);
      return false;
    }
    let parsed: { status?: unknown; quarantined?: unknown } | null = null;
    try {
      parsed = JSON.parse(answer.body);
    } catch {}
    if (answer.status === 200 && parsed?.status === 'ok' && parsed.quarantined === undefined) {
      this.acked.add(msgId);
      this.counts.acked++;
      if (redelivery) this.counts.redeliveriesAcked++;
    } else {
      this.counts.unexpected++;
      if (this.unexpected.length < 20)
        this.unexpected.push(`${msgId} → ${answer.status} ${answer.body.slice(0, 300)}`);
    }
    return true;
  }

  private send(
    url: string,
    method: 'GET' | 'POST',
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(new Error('connection closed mid-answer'));
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error('no answer in 60 s')));
      req.end(body);
    });
  }
}
