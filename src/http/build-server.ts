import { randomUUID } from 'node:crypto';
import { AjvCompiler } from '@fastify/ajv-compiler';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { authenticate } from './auth.js';
import { checkJsonBody } from './body-check.js';
import { errorBody, replyError } from './error-reply.js';
import { adminRoutes } from './routes/admin-routes.js';
import { attachmentRoutes } from './routes/attachment-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { queryRoutes } from './routes/query-routes.js';
import { DEFAULT_REPLIES, ErrorReply } from './routes/response-schemas.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import type { ServiceContext } from './service-context.js';

const LATENCY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const AJV_OPTIONS = { removeAdditional: false, coerceTypes: 'array', useDefaults: true } as const;
const ajvPool = AjvCompiler();

/**
 * Query strings, path parameters and headers are text, so their validator coerces ("50" → 50). A JSON body
 * is typed already and is validated as sent: `{"senderId": 42}` or `{"text": ["x"]}` is refused, never
 * turned into "42" or "x".
 */
// biome-ignore lint/suspicious/noExplicitAny: the ajv-compiler types describe another call shape than Fastify's
function buildValidator(externalSchemas: any, options: any): any {
  const coercing = ajvPool(externalSchemas, options);
  const strict = ajvPool(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  });
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return (route: any) => (route.httpPart === 'body' ? strict : coercing)(route);
}

/** The HTTP service: webhook, /api/v1, health/readiness/metrics and the OpenAPI document. */
export async function buildServer(ctx: ServiceContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    // One structured line per request comes from the onResponse hook below (at debug level).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Ids may be up to 300 characters, percent-encoded (up to 12 bytes each): never cut off by the router.
    routerOptions: { maxParamLength: 4096 },
    // Malformed URLs (a broken %-escape) and over-long parameters answer in the one error shape too.
    frameworkErrors: (error, request, reply) =>
      replyError(error, request, reply.header('x-request-id', request.id)),
    ajv: { customOptions: AJV_OPTIONS },
    schemaController: { compilersFactory: { buildValidator } },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'chatlake',
        version: '0.1.0',
        description: 'Chat storage service and webhook receiver',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  // Response schemas document the replies (OpenAPI); they never trim one: a field a schema lacks is still sent.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const defaults = DEFAULT_REPLIES[`${methods[0]} ${route.url}`] ?? {};
    route.schema ??= {};
    const schema = route.schema;
    const response = (schema.response ?? {}) as Record<string, unknown>;
    const has2xx = Object.keys(response).some((code) => code.startsWith('2'));
    schema.response = {
      ...(has2xx ? {} : defaults),
      '4xx': ErrorReply,
      '5xx': ErrorReply,
      ...response,
    };
  });
  app.setErrorHandler(replyError);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
  app.addHook('onRequest', authenticate(ctx));
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    ctx.metrics.count('chatlake_http_requests_total', 'HTTP requests', labels);
    ctx.metrics.observe(
      'chatlake_http_request_duration_seconds',
      'HTTP request latency',
      LATENCY_BUCKETS,
      { method: req.method, route },
      reply.elapsedTime / 1000,
    );
    req.log.debug({ reqId: req.id, ...labels, ms: reply.elapsedTime }, 'request');
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  await app.register(async (scope) => opsRoutes(scope, ctx));
  await app.register(async (scope) => webhookRoutes(scope, ctx));
  await app.register(
    async (api) => {
      await api.register(formbody);
      api.addHook('preValidation', async (request) => checkJsonBody(request.body));
      await conversationRoutes(api, ctx);
      await messageRoutes(api, ctx);
      await queryRoutes(api, ctx);
      await adminRoutes(api, ctx);
      await api.register(async (scope) => attachmentRoutes(scope, ctx));
    },
    { prefix: '/api/v1' },
  );
  return app;
}
