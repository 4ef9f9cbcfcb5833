import { ChatlakeError } from '../core/errors.js';
import { API_PLATFORM } from '../platforms/api/api-message.js';

/**
 * The platforms whose name may prefix an id ("wechat:4800000000@chatroom", "chatlake:…", as the REST API
 * writes them). WeChat's own ids (wxid_…, …@chatroom, numeric message ids) never contain ':', so a prefix
 * before the first ':' that names one of these is never part of an id.
 */
export const ID_PLATFORMS: readonly string[] = ['wechat', API_PLATFORM];

/** An id as given: its platform when it carried a known prefix, and the id without it. */
export function splitPlatformId(text: string): { platform: string | undefined; id: string } {
  const colon = text.indexOf(':');
  if (colon > 0) {
    const platform = text.slice(0, colon);
    if (ID_PLATFORMS.includes(platform)) return { platform, id: text.slice(colon + 1) };
  }
  return { platform: undefined, id: text };
}

/**
 * The query with prefixed conversation/sender ids ("wechat:4800000000@chatroom") split into the bare id and
 * the platform filter. Ids naming different platforms than each other or than `platform` are refused.
 */
export function resolvePlatformIds<Q extends { platform?: string; conversation?: string; sender?: string }>(
  q: Q,
): Q {
  let platform = q.platform;
  const out = { ...q };
  for (const field of ['conversation', 'sender'] as const) {
    const value = q[field];
    if (!value) continue;
    const split = splitPlatformId(value);
    if (split.platform === undefined) continue;
    if (split.id === '')
      throw new ChatlakeError('invalid_argument', `${field} "${value}" names no id after the platform`);
    if (platform !== undefined && platform !== split.platform) {
      throw new ChatlakeError(
        'invalid_argument',
        `${field} "${value}" is a ${split.platform} id but the platform filter is "${platform}"`,
        `drop the platform filter or the "${split.platform}:" prefix`,
      );
    }
    platform = split.platform;
    out[field] = split.id as Q[typeof field];
  }
  out.platform = platform;
  return out;
}
