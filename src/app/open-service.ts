import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ConfigFlags } from '../config/resolved-config.js';
import { resolveServiceConfig, type ServiceConfig } from '../config/service-config.js';
import { buildServer } from '../http/build-server.js';
import { Metrics } from '../http/metrics.js';
import type { ServiceContext } from '../http/service-context.js';
import { HotTier } from '../ingest/hot-tier.js';
import { SchemaTracker } from '../ingest/schema-tracker.js';
import { HotCompactor } from '../jobs/hot-compactor.js';
import { HotRowsThread } from '../jobs/hot-rows-thread.js';
import { findOrphans } from '../lake/find-orphans.js';
import { tryAcquireWriter } from '../lake/writer-guard.js';
import type { PlatformModule } from '../platforms/platform-module.js';
import { ApiTokens } from '../service/api-tokens.js';
import { Attachments } from '../service/attachments.js';
import { AuditLog } from '../service/audit-log.js';
import { ConversationService } from '../service/conversation-service.js';
import { Idempotency } from '../service/idempotency.js';
import { LakeStatus } from '../service/lake-status.js';
import { MessageAcks } from '../service/message-acks.js';
import { MessageChanges } from '../service/message-changes.js';
import { MessagePages } from '../service/message-pages.js';
import { MessagePosts } from '../service/message-posts.js';
import { type Lake, openLake } from './open-lake.js';

export interface Service {
  readonly app: FastifyInstance;
  /** What the routes are given, and the lake it was wired from (for tests and embedders, never the routes). */
  readonly context: ServiceContext & { readonly lake: Lake };
  readonly compactor: HotCompactor;
  /** The admin token made on the first start (null when tokens existed already): shown once. */
  readonly firstAdminToken: string | null;
  /**
   * Binds the configured host and port; with `startOnListen`, the background work (start-up cleanup of
   * unregistered files, hot-tier compaction) starts only once the port is bound, so a start that fails on
   * its port (a second `serve` of a data directory already served) touches nothing of the lake.
   */
  listen(): Promise<string>;
  /**
   * Stops accepting, finishes in-flight requests, moves the hot tier into Parquet, closes. A service whose
   * background work never started (its listen failed) leaves the hot tier as it is: it belongs to whoever serves.
   */
  close(): Promise<void>;
}

export interface OpenServiceOptions {
  /** Start cleanup and compaction in `listen()`, after the port is bound (`chatlake serve`), not at once. */
  startOnListen?: boolean;
  /** Platform modules besides the built-in ones (a test's toy platform). */
  platforms?: readonly PlatformModule[];
}

/** Wires the service: the lake, the hot tier and its compactor, the API services and the HTTP server. */
export async function openService(
  lakeFlags: ConfigFlags,
  serviceFlags: Parameters<typeof resolveServiceConfig>[0] = {},
  config: ServiceConfig = resolveServiceConfig(serviceFlags),
  options: OpenServiceOptions = {},
): Promise<Service> {
  const lake = await openLake(lakeFlags, { platforms: options.platforms });
  const { catalog } = lake;
  const writer = await lake.writer();
  const schema = await SchemaTracker.load(catalog);
  const cleanUp = async () => {
    const lock = await tryAcquireWriter(catalog, lake.config.dataDir, 'service start-up cleanup');
    if (lock) {
      try {
        await findOrphans(catalog, lake.config.lakeDir, true);
      } finally {
        await lock.release();
      }
    }
  };
  if (!options.startOnListen) await cleanUp();
  const metrics = new Metrics();
  const hot = new HotTier(catalog, lake.localDay, schema);
  const query = await lake.query();
  const tokens = new ApiTokens(catalog);
  const attachments = new Attachments(
    join(lake.config.dataDir, 'attachments'),
    config.attachmentMaxBytes,
    config.attachmentTypes,
  );
  const messagePages = new MessagePages({ catalog, query });
  const context: ServiceContext & { lake: Lake } = {
    config,
    lake,
    platforms: lake.platforms,
    localDay: lake.localDay,
    hot,
    query,
    status: new LakeStatus(catalog),
    tokens,
    audit: new AuditLog(catalog, query.cursorCodec),
    conversations: new ConversationService(catalog, query.cursorCodec),
    messagePosts: new MessagePosts({
      catalog,
      platforms: lake.platforms,
      hot,
      query,
      pages: messagePages,
      attachments,
    }),
    messagePages,
    messageChanges: new MessageChanges({
      catalog,
      query,
      pages: messagePages,
      deleteGraceMs: config.deleteGraceHours * 3_600_000,
    }),
    messageAcks: new MessageAcks({ catalog, pages: messagePages }),
    attachments,
    idempotency: new Idempotency(catalog, config.idempotencyTtlHours * 3_600_000),
    metrics,
  };
  const app = await buildServer(context);
  const rowsThread = new HotRowsThread(lake.config);
  const compactor = new HotCompactor(
    {
      catalog,
      writer,
      schema,
      dataDir: lake.config.dataDir,
      writeRows: (maxRows) => rowsThread.write(maxRows),
    },
    {
      maxRows: config.hotMaxRows,
      maxBytes: config.hotMaxBytes,
      maxAgeMs: config.hotMaxAgeSeconds * 1000,
      checkEveryMs: config.compactCheckSeconds * 1000,
      merge: { minFiles: config.mergeMinFiles, maxBytes: config.mergeMaxBytes },
    },
    {
      compacted(c, ms) {
        metrics.count('chatlake_compactions_total', 'Hot-tier compactions');
        metrics.count(
          'chatlake_compacted_rows_total',
          'Rows moved from the hot tier into Parquet',
          {},
          c.rows,
        );
        metrics.observe(
          'chatlake_compaction_duration_seconds',
          'Hot-tier compaction time',
          [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          {},
          ms / 1000,
        );
        app.log.info({ rows: c.rows, files: c.files, ms: Math.round(ms) }, 'hot tier compacted');
      },
      merged(m, ms) {
        metrics.count('chatlake_file_merges_total', 'Partitions whose small files were merged into one');
        metrics.count('chatlake_merged_files_total', 'Small files merged away', {}, m.files);
        app.log.info({ partitions: m.partitions, files: m.files, ms: Math.round(ms) }, 'small files merged');
      },
      failed(error) {
        metrics.count('chatlake_compaction_failures_total', 'Hot-tier compactions or merges that failed');
        app.log.error({ err: error }, 'hot-tier compaction or small-file merge failed');
      },
    },
  );
  let started = false;
  if (!options.startOnListen) {
    compactor.start();
    started = true;
  }
  const purge = setInterval(() => void context.idempotency.purge().catch(() => {}), 3_600_000);
  purge.unref();
  const firstAdminToken =
    (await tokens.list()).length === 0 ? (await tokens.create('first admin', 'admin', 'system')).token : null;
  return {
    app,
    context,
    compactor,
    firstAdminToken,
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      if (!started) {
        await cleanUp();
        compactor.start();
        started = true;
      }
      return address;
    },
    async close() {
      clearInterval(purge);
      await app.close();
      await hot.settle();
      if (started) await compactor.stop();
      await rowsThread.close();
      await lake.close();
    },
  };
}
