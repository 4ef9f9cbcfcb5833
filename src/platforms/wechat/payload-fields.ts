import { isObject } from './wechat-payload.js';

const MAX_CACHED = 4096;
const dataPaths = new Map<string, string>();

/** The envelope's field names (`guid`, `data`, `data.msg_id`, …), whether bare or inside a request log. */
export function payloadFields(payload: unknown, into: Set<string>): void {
  if (!isObject(payload)) return;
  const env = isObject(payload.parsed_json) ? payload.parsed_json : payload;
  for (const key in env) into.add(key);
  const data = env.data;
  if (!isObject(data)) return;
  for (const key in data) into.add(dataPath(key));
}

function dataPath(key: string): string {
  let path = dataPaths.get(key);
  if (path === undefined) {
    path = `data.${key}`;
    if (dataPaths.size < MAX_CACHED) dataPaths.set(key, path);
  }
  return path;
}
