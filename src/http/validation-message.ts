/** One schema violation as Ajv reports it (the fields used here). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params?: Record<string, unknown>;
  message?: string;
}

const PART_NAMES: Record<string, string> = {
  body: 'body field',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

/**
 * The message of a request that failed its schema, naming each field once: `query parameter format must be
 * one of jsonl, csv` (a union of literals or an enum lists its values instead of Ajv's "must be equal to
 * constant … must match a schema in anyOf"), `body field senderId must be string`, `body field extra is not
 * allowed`, `body field senderId is required`.
 */
export function validationMessage(part: string | undefined, errors: readonly SchemaError[]): string {
  const context = part ?? 'request';
  const label = (path: string) =>
    path === '' ? (context === 'body' ? 'the body' : context) : `${PART_NAMES[context] ?? context} ${path}`;
  const byPath = new Map<string, SchemaError[]>();
  for (const e of errors) {
    const path = fieldPath(e.instancePath);
    const list = byPath.get(path) ?? [];
    list.push(e);
    byPath.set(path, list);
  }
  const out: string[] = [];
  for (const [path, list] of byPath) {
    const allowed = allowedValues(list);
    if (allowed) {
      out.push(`${label(path)} must be one of ${allowed.map(show).join(', ')}`);
      continue;
    }
    for (const e of list) {
      if (e.keyword === 'anyOf') continue; // its branches' errors say more
      const child = (name: unknown) => fieldPath(`${e.instancePath}/${String(name)}`);
      let text: string;
      if (e.keyword === 'additionalProperties')
        text = `${label(child(e.params?.additionalProperty))} is not allowed`;
      else if (e.keyword === 'required') text = `${label(child(e.params?.missingProperty))} is required`;
      else text = `${label(path)} ${e.message ?? `fails ${e.keyword}`}`;
      if (!out.includes(text)) out.push(text);
    }
    if (list.every((e) => e.keyword === 'anyOf'))
      out.push(`${label(path)} matches none of its allowed forms`);
  }
  return out.join('; ') || `${context} does not match its schema`;
}

/** The values a field may take when every error at it comes from literal branches (const/enum) of a union. */
function allowedValues(list: readonly SchemaError[]): unknown[] | null {
  const values: unknown[] = [];
  for (const e of list) {
    if (e.keyword === 'const') values.push(e.params?.allowedValue);
    else if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues))
      values.push(...e.params.allowedValues);
    else if (e.keyword !== 'anyOf') return null;
  }
  return values.length > 0 ? [...new Set(values)] : null;
}

/** "/participants/0/id" → "participants[0].id"; JSON-pointer escapes undone. */
function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
