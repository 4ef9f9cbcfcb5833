import { ChatlakeError } from '../core/errors.js';

/**
 * An id as given: its platform when it carried a known prefix ("<platform>:<id>", as the REST API writes them;
 * `platforms`: the lake's platform names), and the id without it. A platform's own ids never contain ':' (the
 * identity rule of a platform module), so a prefix before the first ':' that names a platform is never part
 * of an id.
 */
export function splitPlatformId(
  text: string,
  platforms: readonly string[],
): { platform: string | undefined; id: string } {
  const colon = text.indexOf(':');
  if (colon > 0) {
    const platform = text.slice(0, colon);
    if (platforms.includes(platform)) return { platform, id: text.slice(colon + 1) };
  }
  return { platform: undefined, id: text };
}

/**
 * The query with prefixed conversation/sender ids ("<platform>:<id>") split into the bare id and the platform
 * filter. Ids naming different platforms than each other or than `platform` are refused.
 */
export function resolvePlatformIds<Q extends { platform?: string; conversation?: string; sender?: string }>(
  q: Q,
  platforms: readonly string[],
): Q {
  let platform = q.platform;
  const out = { ...q };
  for (const field of ['conversation', 'sender'] as const) {
    const value = q[field];
    if (!value) continue;
    const split = splitPlatformId(value, platforms);
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
