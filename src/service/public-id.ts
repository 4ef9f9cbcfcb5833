import { ChatlakeError } from '../core/errors.js';
import { API_PLATFORM } from '../platforms/api/api-message.js';

/** A conversation or message as the API names it: "<platform>:<id>", e.g. "chatlake:<id>". */
export interface PublicId {
  platform: string;
  id: string;
}

export function formatId(platform: string, id: string): string {
  return `${platform}:${id}`;
}

export function parseId(text: string, what: string): PublicId {
  const colon = text.indexOf(':');
  const platform = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (colon <= 0 || !/^[a-z][a-z0-9_-]{0,31}$/.test(platform) || id.length === 0 || id.length > 256) {
    throw new ChatlakeError(
      'invalid_argument',
      `malformed ${what} id "${text.slice(0, 80)}"`,
      `ids look like <platform>:<id>, e.g. ${API_PLATFORM}:<id>`,
    );
  }
  return { platform, id };
}
