import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../service-context.js';
import { AttachmentInfoSchema, textReply } from './response-schemas.js';

/** Attachments: upload raw bytes (Content-Type is the MIME type), download by sha256. */
export async function attachmentRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const tags = ['attachments'];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: ctx.config.attachmentMaxBytes },
    (_r, body, done) => done(null, body),
  );
  app.post(
    '/attachments',
    {
      config: { scope: 'write' },
      schema: { tags, response: { 201: AttachmentInfoSchema } },
      bodyLimit: ctx.config.attachmentMaxBytes,
    },
    async (req, reply) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const info = await ctx.attachments.put(bytes, String(req.headers['content-type'] ?? ''));
      return reply.status(201).send(info);
    },
  );
  app.get(
    '/attachments/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: textReply('The bytes, with their MIME type as Content-Type', ['*/*'], 'binary') },
      },
    },
    async (req, reply) => {
      const { info, stream } = await ctx.attachments.get((req.params as { id: string }).id);
      return reply
        .header('content-type', info.mimeType)
        .header('content-length', info.size)
        .header('etag', `"${info.sha256}"`)
        .send(stream);
    },
  );
}
