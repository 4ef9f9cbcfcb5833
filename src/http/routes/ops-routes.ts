import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ChatlakeError } from '../../core/errors.js';
import type { ServiceContext } from '../service-context.js';
import { textReply } from './response-schemas.js';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({ status: Type.Literal('ready'), hotRows: Type.Integer() });
const OpenApiDocument = Type.Object({ openapi: Type.String() }, { additionalProperties: true });

/** Liveness, readiness, Prometheus metrics and the OpenAPI document. */
export async function opsRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const tags = ['operations'];
  // How long work waited for the event loop (a long synchronous step delays every request behind it).
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  app.addHook('onClose', async () => loopDelay.disable());
  app.get('/health', { schema: { tags, security: [], response: { 200: Health } } }, async () => ({
    status: 'ok',
  }));
  app.get('/ready', { schema: { tags, security: [], response: { 200: Ready } } }, async () => {
    const hot = await ctx.status.hotSummary().catch(() => null);
    if (!hot) throw new ChatlakeError('busy', 'the catalog is not reachable');
    return { status: 'ready', hotRows: hot.rows };
  });
  const metricsReply = textReply('Prometheus text format', ['text/plain']);
  app.get(
    '/metrics',
    { config: { scope: 'read' }, schema: { tags, response: { 200: metricsReply } } },
    async (_req, reply) => {
      const hot = await ctx.status.hotSummary();
      ctx.metrics.set('chatlake_hot_rows', 'Rows in the hot tier (not yet in Parquet)', hot.rows);
      ctx.metrics.set('chatlake_hot_bytes', 'Bytes of records in the hot tier', hot.bytes);
      ctx.metrics.set(
        'chatlake_hot_commits',
        'Hot-tier transactions committed (group commits) since start',
        ctx.hot.counters.commits,
      );
      const query = ctx.query.counters;
      ctx.metrics.set('chatlake_query_scans', 'DuckDB scans run by reads since start', query.scans);
      ctx.metrics.set(
        'chatlake_query_window_hits',
        'Pages answered from a conversation window read ahead, without a scan, since start',
        query.windowHits,
      );
      const seconds = (ns: number) => ns / 1e9;
      ctx.metrics.set(
        'chatlake_event_loop_delay_p99_seconds',
        'Event-loop delay since start, 99th percentile (sampled every 5 ms)',
        seconds(loopDelay.percentile(99)),
      );
      ctx.metrics.set(
        'chatlake_event_loop_delay_max_seconds',
        'Longest event-loop delay since start',
        seconds(loopDelay.max),
      );
      return reply.header('content-type', 'text/plain; version=0.0.4').send(ctx.metrics.render());
    },
  );
  app.get(
    '/openapi.json',
    { config: { scope: 'read' }, schema: { tags, response: { 200: OpenApiDocument } } },
    async () => app.swagger(),
  );
}
