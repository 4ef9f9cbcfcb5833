import type { PlatformModule } from '../platform-module.js';
import { API_PLATFORM, type ApiMessageInput, type AttachmentRef, apiMessage } from './api-message.js';
import { reject } from './api-rejection.js';

/** A message posted through the REST API, as the service hands it over (the post and where it goes). */
export interface ApiPayload {
  input: ApiMessageInput;
  conversationId: string;
  isGroup: boolean;
  messageId: string;
  /** The uploaded files the post links, as they were when it was posted. */
  attachments?: AttachmentRef[];
}

/** The REST API's own messages ("chatlake:" ids): handed over one post at a time by the service. */
export const apiModule: PlatformModule = {
  name: API_PLATFORM,
  framing: 'batch',
  decoder: () => ({
    platform: API_PLATFORM,
    decode(payload, ctx) {
      if (typeof payload !== 'object' || payload === null) return reject('not an API post');
      const p = payload as Partial<ApiPayload>;
      if (!p.input || typeof p.input.senderId !== 'string' || typeof p.messageId !== 'string')
        return reject('an API post needs input.senderId and messageId');
      try {
        const record = apiMessage(p.input, {
          conversationId: String(p.conversationId),
          isGroup: p.isGroup === true,
          messageId: p.messageId,
          receivedAt: ctx.receivedAt ?? ctx.fallbackTime,
          rawText: ctx.rawText,
          attachments: Array.isArray(p.attachments) ? p.attachments : undefined,
        });
        return { ok: true, records: [{ dataset: 'messages', record }] };
      } catch (error) {
        return reject(error instanceof Error ? error.message : String(error));
      }
    },
  }),
  identity: 'message: the id given or made by the service; conversation: its id',
};
