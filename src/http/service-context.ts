import type { Lake } from '../app/open-lake.js';
import type { ServiceConfig } from '../config/service-config.js';
import type { HotTier } from '../ingest/hot-tier.js';
import type { ApiTokens } from '../service/api-tokens.js';
import type { Attachments } from '../service/attachments.js';
import type { ConversationService } from '../service/conversation-service.js';
import type { Idempotency } from '../service/idempotency.js';
import type { MessageService } from '../service/message-service.js';
import type { Metrics } from './metrics.js';

/** What the HTTP layer is given: services, never backends. Wired in app/open-service.ts. */
export interface ServiceContext {
  config: ServiceConfig;
  lake: Lake;
  hot: HotTier;
  tokens: ApiTokens;
  conversations: ConversationService;
  messages: MessageService;
  attachments: Attachments;
  idempotency: Idempotency;
  metrics: Metrics;
}
