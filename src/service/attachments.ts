import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ChatlakeError } from '../core/errors.js';
import { publishDurably } from '../lake/durable-file.js';

export interface AttachmentInfo {
  id: string;
  sha256: string;
  size: number;
  mimeType: string;
}

/**
 * Content-addressed attachment storage under <data-dir>/attachments/<aa>/<sha256>: the same bytes are
 * stored once. Size and MIME type are limited; the checksum is the id.
 */
export class Attachments {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly types: readonly string[],
  ) {}

  async put(bytes: Buffer, mimeType: string): Promise<AttachmentInfo> {
    const mime = mimeType.split(';')[0]!.trim().toLowerCase();
    if (!this.allowed(mime)) {
      throw new ChatlakeError(
        'unsupported_media_type',
        `attachments of type ${mime || '(none)'} are not accepted; accepted: ${this.types.join(', ')}`,
      );
    }
    if (bytes.length > this.maxBytes) {
      throw new ChatlakeError(
        'payload_too_large',
        `attachment is ${bytes.length} bytes; the limit is ${this.maxBytes}`,
      );
    }
    if (bytes.length === 0) throw new ChatlakeError('invalid_argument', 'attachment is empty');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha256);
    const info: AttachmentInfo = { id: sha256, sha256, size: bytes.length, mimeType: mime };
    if (await exists(path)) return info;
    await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(`${temp}.json`, JSON.stringify(info));
    await writeFile(temp, bytes);
    await publishDurably([
      { from: `${temp}.json`, to: `${path}.json` },
      { from: temp, to: path },
    ]);
    return info;
  }

  async get(sha256: string): Promise<{ info: AttachmentInfo; stream: Readable }> {
    if (!/^[0-9a-f]{64}$/.test(sha256))
      throw new ChatlakeError('invalid_argument', 'attachment ids are sha256 hex digests');
    const path = this.pathOf(sha256);
    if (!(await exists(path))) throw new ChatlakeError('not_found', `no attachment ${sha256}`);
    const info = JSON.parse(await readFile(`${path}.json`, 'utf8')) as AttachmentInfo;
    return { info, stream: createReadStream(path) };
  }

  /** The stored attachment's info, or null when no attachment has this checksum. */
  async info(sha256: string): Promise<AttachmentInfo | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const path = this.pathOf(sha256);
    if (!(await exists(path))) return null;
    return JSON.parse(await readFile(`${path}.json`, 'utf8')) as AttachmentInfo;
  }

  private allowed(mime: string): boolean {
    return this.types.some((t) => (t.endsWith('/*') ? mime.startsWith(t.slice(0, -1)) : t === mime));
  }

  private pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
