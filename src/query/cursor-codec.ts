import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatlakeError } from '../core/errors.js';

/** Where a page ended (the sort key of its last row) and which query it belongs to. */
export interface CursorState {
  /** The last row's sort key: [time in epoch ms, id]. */
  after: [number, string];
  /** A digest of the query's filters: a cursor only continues the query that made it. */
  query: string;
}

/** Opaque, signed cursors (HMAC-SHA256): tampered or foreign cursors are refused, never misread. */
export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  /** The codec of a data directory; its secret is made on first use and kept in the directory. */
  static forDataDir(dataDir: string): CursorCodec {
    const path = join(dataDir, 'cursor.secret');
    if (!existsSync(path)) {
      try {
        writeFileSync(path, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
        chmodSync(path, 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return new CursorCodec(Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'));
  }

  encode(state: CursorState): string {
    const body = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(cursor: string, query: string): CursorState {
    const [body = '', signature = ''] = CURSOR_SHAPE.test(cursor) ? cursor.split('.') : [];
    const expected = body ? this.sign(body) : '';
    const valid =
      body &&
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!valid) throw invalid('the cursor is not one chatlake issued (or it was altered)');
    const state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorState;
    if (state.query !== query)
      throw invalid('the cursor belongs to a different query; pass the same filters');
    return state;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/** body.signature, both base64url: anything else is refused before any byte comparison (and by the API's schema). */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';
const CURSOR_SHAPE = new RegExp(CURSOR_PATTERN);

const invalid = (message: string) =>
  new ChatlakeError('invalid_argument', message, 'start again without --cursor');
