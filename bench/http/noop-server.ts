// The webhook benchmark's baseline: a minimal Fastify app with one no-op POST route that parses the same
// JSON body and answers like the webhook. Run as its own process; prints its address on stderr.
//   node bin/run-ts.js bench/http/noop-server.ts
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.post('/webhook/wechat', async (req) => ({ status: 'ok', request_id: req.id }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`noop serving on ${address}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
