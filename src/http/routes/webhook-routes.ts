import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ChatlakeError } from '../../core/errors.js';
import { decodePayloads, emptyDecoded } from '../../ingest/decode-payloads.js';
import type { AcceptItem } from '../../ingest/hot-tier.js';
import type { ServiceContext } from '../service-context.js';
import { WebhookAckSchema } from './response-schemas.js';

const ACCEPTED = 'chatlake_messages_accepted_total';

/**
 * POST /webhook/<platform>[/:secret], for every platform module with an HTTP receiver: bodies of any content
 * type. Every body is answered {"status":"ok","request_id":…} once it is durable: decoded records in the hot
 * tier, or the raw bytes in quarantine with the reason (the upstream must not retry a payload that can never
 * decode).
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // The body is read whatever the Content-Type says, even one that is no media type at all ("", "x"): Fastify
  // would answer that 415 before any parser, and the upstream would retry a payload that can never change.
  // The header is set aside for the receiver, so every body reaches the catch-all parser above.
  const contentTypes = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (type === undefined) return;
    contentTypes.set(request, String(type));
    delete request.headers['content-type'];
  });
  const expected = ctx.config.webhookSecret ? Buffer.from(ctx.config.webhookSecret) : null;
  for (const module of ctx.platforms.modules) {
    const { receiver, name } = module;
    if (!receiver) continue;
    const decoder = ctx.platforms.decoder(name);
    const schema = { tags: ['webhook'], summary: receiver.summary, response: { 200: WebhookAckSchema } };
    const handler = async (request: FastifyRequest<{ Params: { secret?: string } }>) => {
      if (expected) {
        const given = request.params.secret ?? request.headers['x-webhook-secret'];
        const buf = Buffer.from(typeof given === 'string' ? given : '');
        if (buf.length !== expected.length || !timingSafeEqual(buf, expected)) {
          throw new ChatlakeError(
            'unauthorized',
            `wrong or missing webhook secret: put it in the path (/webhook/${name}/<secret>) or the x-webhook-secret header`,
          );
        }
      }
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const now = Date.now();
      const out = emptyDecoded();
      decodePayloads(
        { bytes, start: 0 },
        {
          decoder,
          framing: { receiver, contentType: contentTypes.get(request) ?? '' },
          source: `webhook:${request.url}`,
          firstLine: 1,
          fallbackTime: now,
          receivedAt: now,
        },
        out,
      );
      const first = out.records[0];
      const quarantine = out.quarantine[0];
      const item: AcceptItem = quarantine
        ? { records: [], quarantine }
        : { records: out.records, fields: first ? out.fields[first.dataset] : new Set() };
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
    app.post(`/webhook/${name}`, { schema }, handler);
    app.post(`/webhook/${name}/:secret`, { schema }, handler);
  }
}
