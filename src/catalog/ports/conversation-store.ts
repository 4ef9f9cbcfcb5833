import type {
  ConversationFilter,
  ConversationInfo,
  NewConversation,
  ParticipantRow,
} from '../service-catalog.js';

/** Conversations as the API sees them (metadata, participants). */
export interface ConversationStore {
  conversation(platform: string, conversationId: string): Promise<ConversationInfo | null>;
  listConversations(filter: ConversationFilter): Promise<ConversationInfo[]>;
  participants(platform: string, conversationId: string): Promise<ParticipantRow[]>;
}

export interface ConversationWriter {
  /** Creates a conversation; false if it exists already. */
  createConversation(c: NewConversation): Promise<boolean>;
  updateConversationMetadata(platform: string, conversationId: string, metadata: string): Promise<boolean>;
  upsertParticipants(rows: readonly ParticipantRow[]): Promise<void>;
  removeParticipant(platform: string, conversationId: string, participantId: string): Promise<boolean>;
}
