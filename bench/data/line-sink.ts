import type { Writable } from 'node:stream';

const CHUNK = 1 << 20;

/** Batches lines into ~1 MiB writes, honouring backpressure; counts lines and bytes written. */
export class LineSink {
  lines = 0;
  bytes = 0;
  private parts: string[] = [];
  private pending = 0;
  private failure: Error | null = null;

  constructor(private readonly out: Writable) {
    out.on('error', (err: Error) => {
      this.failure = err;
    });
  }

  get full(): boolean {
    return this.pending >= CHUNK;
  }

  line(text: string): void {
    this.parts.push(text, '\n');
    this.pending += text.length + 1;
    this.lines++;
  }

  /** A line that must be written byte for byte (e.g. invalid UTF-8); `bytes` excludes the newline. */
  async binaryLine(bytes: Buffer): Promise<void> {
    await this.flush();
    this.lines++;
    await this.write(Buffer.concat([bytes, Buffer.from('\n')]));
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    await this.write(buf);
  }

  private async write(buf: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += buf.length;
    if (!this.out.write(buf)) await this.drain();
    if (this.failure) throw this.failure;
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('error', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('error', done);
    });
  }
}
