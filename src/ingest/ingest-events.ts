/** What an ingest run reports as it goes (the CLI draws a progress bar from these). */
export interface IngestProgress {
  source: string;
  bytesDone: number;
  bytesTotal: number;
  lines: number;
}

export interface SourceNotice {
  source: string;
  message: string;
}

export interface IngestListener {
  progress?(p: IngestProgress): void;
  notice?(n: SourceNotice): void;
}
