/** Anything a platform sent that is neither a message nor a contact: kept, never dropped. */
export interface ChatEvent {
  platform: string;
  accountId: string | null;
  /** The platform's event code, as text (a notification type). */
  eventType: string;
  /** Epoch milliseconds when the event was observed. */
  observedAt: number;
  /** Stable identity of this event (hash of the payload): re-deliveries dedupe on it. */
  recordKey: string;
  raw: string;
}
