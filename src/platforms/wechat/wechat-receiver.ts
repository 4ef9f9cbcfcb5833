import type { HttpReceiver } from '../platform-module.js';

/** WeChat webhook bodies: JSON (whatever the content type says), or a form with the envelope. */
export const wechatReceiver: HttpReceiver = {
  summary: 'Receive a WeChat webhook payload',
  payload: parseBody,
  noPayload: 'body is not a JSON object (nor a form carrying one)',
};

function parseBody(text: string, contentType: string): unknown {
  const json = tryJson(text);
  if (json !== undefined) return isObject(json) ? json : undefined;
  if (!contentType.includes('form')) return undefined;
  const form = new URLSearchParams(text);
  for (const field of ['payload', 'json', 'body']) {
    const inner = tryJson(form.get(field) ?? '');
    if (isObject(inner)) return inner;
  }
  if (!form.has('data')) return undefined;
  const data = tryJson(form.get('data') ?? '');
  const notify = Number(form.get('notify_type'));
  return {
    guid: form.get('guid'),
    notify_type: Number.isFinite(notify) ? notify : form.get('notify_type'),
    data: data ?? form.get('data'),
  };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
