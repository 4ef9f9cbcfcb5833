import { isUtf8 } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ChatlakeError } from '../../core/errors.js';
import type { AcceptItem } from '../../ingest/hot-tier.js';
import type { ServiceContext } from '../service-context.js';
import { WebhookAckSchema } from './response-schemas.js';

const ACCEPTED = 'chatlake_messages_accepted_total';

/**
 * POST /webhook/wechat[/:secret]: JSON, form or text bodies from the WeChat webhook upstream. Every body is
 * answered {"status":"ok","request_id":…} once it is durable: decoded records in the hot tier, or the raw
 * bytes in quarantine with the reason (the upstream must not retry a payload that can never decode).
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // The body is read whatever the Content-Type says, even one that is no media type at all ("", "x"): Fastify
  // would answer that 415 before any parser, and the upstream would retry a payload that can never change.
  // The header is set aside for parseBody, so every body reaches the catch-all parser above.
  const contentTypes = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (type === undefined) return;
    contentTypes.set(request, String(type));
    delete request.headers['content-type'];
  });
  const adapter = ctx.lake.adapter('wechat');
  const expected = ctx.config.webhookSecret ? Buffer.from(ctx.config.webhookSecret) : null;
  const schema = {
    tags: ['webhook'],
    summary: 'Receive a WeChat webhook payload',
    response: { 200: WebhookAckSchema },
  };

  const handler = async (request: FastifyRequest<{ Params: { secret?: string } }>) => {
    if (expected) {
      const given = request.params.secret ?? request.headers['x-webhook-secret'];
      const buf = Buffer.from(typeof given === 'string' ? given : '');
      if (buf.length !== expected.length || !timingSafeEqual(buf, expected)) {
        throw new ChatlakeError(
          'unauthorized',
          'wrong or missing webhook secret: put it in the path (/webhook/wechat/<secret>) or the x-webhook-secret header',
        );
      }
    }
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const now = Date.now();
    const reject = (reason: string): AcceptItem => ({
      records: [],
      quarantine: { source: `webhook:${request.url}`, line: null, byteOffset: null, reason, raw: bytes },
    });
    let item: AcceptItem;
    if (!isUtf8(bytes)) item = reject('body is not UTF-8');
    else {
      const text = bytes.toString('utf8');
      const payload = parseBody(text, contentTypes.get(request) ?? '');
      if (payload === undefined) item = reject('body is not a JSON object (nor a form carrying one)');
      else {
        const decoded = adapter.decode(payload, { rawText: text, receivedAt: now, fallbackTime: now });
        if (!decoded.ok) item = reject(decoded.reason);
        else {
          const fields = new Set<string>();
          adapter.payloadFields?.(payload, fields);
          item = { records: decoded.records, fields };
        }
      }
    }
    const outcome = await ctx.hot.accept(item);
    const m = ctx.metrics;
    if (outcome.stored)
      m.count(ACCEPTED, 'Records accepted, by outcome', { outcome: 'stored' }, outcome.stored);
    if (outcome.duplicates)
      m.count(ACCEPTED, 'Records accepted, by outcome', { outcome: 'duplicate' }, outcome.duplicates);
    if (outcome.quarantined)
      m.count(ACCEPTED, 'Records accepted, by outcome', { outcome: 'quarantined' }, outcome.quarantined);
    return outcome.quarantined
      ? { status: 'ok', request_id: request.id, quarantined: true }
      : { status: 'ok', request_id: request.id };
  };
  app.post('/webhook/wechat', { schema }, handler);
  app.post('/webhook/wechat/:secret', { schema }, handler);
}

/** The payload object of a body: JSON (whatever the content type says), or a form with the envelope. */
function parseBody(text: string, contentType: string): unknown {
  const json = tryJson(text);
  if (json !== undefined) return isObject(json) ? json : undefined;
  if (!contentType.includes('form')) return undefined;
  const form = new URLSearchParams(text);
  for (const field of ['payload', 'json', 'body']) {
    const inner = tryJson(form.get(field) ?? '');
    if (isObject(inner)) return inner;
  }
  if (!form.has('data')) return undefined;
  const data = tryJson(form.get('data') ?? '');
  const notify = Number(form.get('notify_type'));
  return {
    guid: form.get('guid'),
    notify_type: Number.isFinite(notify) ? notify : form.get('notify_type'),
    data: data ?? form.get('data'),
  };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
