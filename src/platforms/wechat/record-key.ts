import { createHash } from 'node:crypto';

/** The identity of a contact or event observation: sha1 of its notify_type and data. */
export function recordKey(notifyType: string, data: unknown): string {
  return createHash('sha1')
    .update(`${notifyType}\n${JSON.stringify(data)}`)
    .digest('hex');
}
