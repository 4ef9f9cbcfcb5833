import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { MessageQuery } from '../../query/message-query.js';
import { rowWriter } from '../../query/output/row-writer.js';
import { outputColumns } from '../../query/query-service.js';
import { timeBound } from '../../query/time-bound.js';
import type { ServiceContext } from '../service-context.js';
import { Cursor } from './schemas.js';

const Filters = {
  dataset: Type.Optional(
    Type.Union([Type.Literal('messages'), Type.Literal('contacts'), Type.Literal('events')]),
  ),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  platform: Type.Optional(Type.String({ maxLength: 32 })),
  conversation: Type.Optional(Type.String({ maxLength: 256 })),
  sender: Type.Optional(Type.String({ maxLength: 256 })),
  type: Type.Optional(Type.String({ maxLength: 32 })),
  text: Type.Optional(Type.String({ maxLength: 256 })),
  columns: Type.Optional(Type.String({ maxLength: 1000 })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  includeDeleted: Type.Optional(
    Type.Boolean({ description: 'also messages deleted through the API, marked by a deleted column' }),
  ),
};
type FilterQuery = { [K in Exclude<keyof typeof Filters, 'includeDeleted'>]?: string } & {
  includeDeleted?: boolean;
};

/** The analyst endpoints over the query service: a page of rows as JSON, or a streamed export. */
export async function queryRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const tags = ['query'];
  const toQuery = (q: FilterQuery): MessageQuery => ({
    dataset: q.dataset as MessageQuery['dataset'],
    from: q.from === undefined ? undefined : timeBound(q.from, ctx.localDay, 'from'),
    to: q.to === undefined ? undefined : timeBound(q.to, ctx.localDay, 'to'),
    platform: q.platform,
    conversation: q.conversation,
    sender: q.sender,
    type: q.type,
    text: q.text,
    columns: q.columns
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    order: q.order as MessageQuery['order'],
    includeDeleted: q.includeDeleted,
  });
  app.get(
    '/query',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        querystring: Type.Object(
          {
            ...Filters,
            limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const q = req.query as FilterQuery & { limit: number; cursor?: string };
      const page = await ctx.query.page({ ...toQuery(q), limit: q.limit, cursor: q.cursor });
      return { rows: page.rows, nextCursor: page.cursor };
    },
  );
  app.get(
    '/export',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        querystring: Type.Object(
          {
            ...Filters,
            format: Type.Union([Type.Literal('jsonl'), Type.Literal('csv'), Type.Literal('parquet')], {
              default: 'jsonl',
            }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const q = req.query as FilterQuery & { format: 'jsonl' | 'csv' | 'parquet' };
      const query = toQuery(q);
      const service = ctx.query;
      if (q.format === 'parquet') {
        // DuckDB writes the whole result to a temporary file (constant memory), which is then streamed.
        const dir = mkdtempSync(join(tmpdir(), 'chatlake-export-'));
        const path = join(dir, 'export.parquet');
        try {
          await service.exportParquet(query, path, { emptyFile: true });
        } catch (error) {
          rmSync(dir, { recursive: true, force: true });
          throw error;
        }
        const file = createReadStream(path);
        file.on('close', () => rmSync(dir, { recursive: true, force: true }));
        return reply
          .header('content-type', 'application/vnd.apache.parquet')
          .header('content-disposition', 'attachment; filename="chatlake-export.parquet"')
          .send(file);
      }
      const rows = service.rows(query);
      const first = await rows.next();
      const out = new PassThrough();
      const columns = outputColumns(query);
      const writer = rowWriter(q.format, out, columns, ctx.localDay);
      void (async () => {
        try {
          if (!first.done) await writer.write(first.value);
          for await (const batch of rows) await writer.write(batch);
          await writer.end();
          out.end();
        } catch (error) {
          out.destroy(error as Error);
        }
      })();
      return reply
        .header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .send(out);
    },
  );
}
