/** The coverage of one chat as the catalog knows it. */
export interface Conversation {
  platform: string;
  conversationId: string;
  isGroup: boolean;
  firstAt: number;
  lastAt: number;
  messageCount: number;
}
