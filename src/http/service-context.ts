import type { ServiceConfig } from '../config/service-config.js';
import type { LocalDay } from '../core/local-day.js';
import type { HotTier } from '../ingest/hot-tier.js';
import type { PlatformRegistry } from '../platforms/platform-registry.js';
import type { QueryService } from '../query/query-service.js';
import type { ApiTokens } from '../service/api-tokens.js';
import type { Attachments } from '../service/attachments.js';
import type { AuditLog } from '../service/audit-log.js';
import type { ConversationService } from '../service/conversation-service.js';
import type { Idempotency } from '../service/idempotency.js';
import type { LakeStatus } from '../service/lake-status.js';
import type { MessageAcks } from '../service/message-acks.js';
import type { MessageChanges } from '../service/message-changes.js';
import type { MessagePages } from '../service/message-pages.js';
import type { MessagePosts } from '../service/message-posts.js';
import type { Metrics } from './metrics.js';

/** What the HTTP layer is given: services, never backends. Wired in app/open-service.ts. */
export interface ServiceContext {
  config: ServiceConfig;
  /** The platforms served (webhook receivers and their decoders). */
  platforms: PlatformRegistry;
  /** The zone's local days (day-only time bounds of queries). */
  localDay: LocalDay;
  hot: HotTier;
  query: QueryService;
  status: LakeStatus;
  tokens: ApiTokens;
  audit: AuditLog;
  conversations: ConversationService;
  messagePosts: MessagePosts;
  messagePages: MessagePages;
  messageChanges: MessageChanges;
  messageAcks: MessageAcks;
  attachments: Attachments;
  idempotency: Idempotency;
  metrics: Metrics;
}
