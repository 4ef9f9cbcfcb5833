import { contentCursor } from './content-cursor.js';
import { fileCursor } from './file-cursor.js';
import type { PlatformAdapter } from './platform-adapter.js';
import type { SourceCursor } from './source-cursor.js';
import { syncCursor } from './sync-cursor.js';

/**
 * How a source is cut into payloads: `lines` (one JSON payload a line: webhook logs), `whole` (a whole file or
 * request body is one payload: export formats), `batch` (a sync push or an API post hands payloads over one by one).
 */
export type Framing = 'lines' | 'whole' | 'batch';

/** A platform's options, by name; the lake saves them (app/lake-settings.ts) so every run decodes alike. */
export type PlatformOptions = Readonly<Record<string, unknown>>;

/** A module's HTTP receiver: what `POST /webhook/<name>[/<secret>]` makes of a request body. */
export interface HttpReceiver {
  /** The OpenAPI summary of the route. */
  readonly summary: string;
  /** The payload carried by a UTF-8 body with that Content-Type, or undefined when it carries none. */
  payload(text: string, contentType: string): unknown;
  /** The quarantine reason of a body that carries no payload. */
  readonly noPayload: string;
}

/** Everything a platform brings. Pure declarations: the lake (app/platforms.ts) lists the modules. */
export interface PlatformModule {
  /** The platform's name: records' `platform`, `--platform NAME`, `/webhook/NAME`, an id prefix ("NAME:…"). */
  readonly name: string;
  readonly framing: Framing;
  /** The decoder for these options: payload → records | rejection, never throws. */
  decoder(options: PlatformOptions): PlatformAdapter;
  /**
   * The file name endings a directory given to `ingest` is read for (default by framing: `lines` ".jsonl" and
   * ".log", `whole` ".json").
   */
  readonly fileEndings?: readonly string[];
  /** Whether the first bytes of a source look like this platform's (ingest without --platform). */
  sniff?(head: string): boolean;
  /**
   * The identity rule: the platform's own ids never contain ':' (so "NAME:<id>" is unambiguous), and a
   * record is the same record when its platform and its id (message id, contact id, event key) are.
   */
  readonly identity: string;
  readonly receiver?: HttpReceiver;
  /** The platform's name as people write it (e.g. in a help text: "<title> webhook"). */
  readonly title?: string;
  /** A source of this platform for help examples, e.g. a log file's path. */
  readonly example?: string;
  /** The platform's options: how the CLI, the env and the lake name them (app/ hands them to config/). */
  readonly options?: readonly PlatformOptionDeclaration[];
}

/**
 * A platform option, a list of strings (given comma-separated): `--<flag> <list>` or the env var `<env>`,
 * saved with the lake as the setting `<setting>` (the last list given is used when none is), read by the
 * decoder as `options[<key>]`.
 */
export interface PlatformOptionDeclaration {
  /** Its key in the options the decoder gets. */
  readonly key: string;
  /** Its name among the lake's settings (the catalog's, `chatlake config`'s, `stats --json`'s). */
  readonly setting: string;
  /** The CLI flag, "--…". */
  readonly flag: string;
  /** The flag's value in help texts, e.g. "<ids>". */
  readonly placeholder: string;
  /** The env var, "CHATLAKE_…". */
  readonly env: string;
  /** The flag's help text. */
  readonly description: string;
  /** What `chatlake stats` calls the values. */
  readonly label: string;
}

/** A body is one JSON object: the receiver of a module that has no format of its own. */
export const jsonReceiver: HttpReceiver = {
  summary: 'Receive a JSON payload',
  payload(text) {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    } catch {
      return undefined;
    }
  },
  noPayload: 'body is not a JSON object',
};

/** The file endings a module's directories are read for, when it declares none. */
export const DEFAULT_FILE_ENDINGS: Readonly<Record<Framing, readonly string[]>> = {
  lines: ['.jsonl', '.log'],
  whole: ['.json'],
  batch: [],
};

/**
 * What reads one payload of this module from a request body, a whole-framed file or stream, or a quarantined
 * payload that was one (a body, a whole file, a batch item): its HTTP receiver, else plain JSON.
 */
export function bodyReader(module: PlatformModule): HttpReceiver {
  return module.receiver ?? jsonReceiver;
}

/**
 * How a source is resumed follows from its framing: every module of a framing shares that framing's cursor kind
 * (source-cursor.ts). Its cursor is opaque outside the kind: the catalog stores it, ingest hands it back.
 */
export const FRAMING_CURSORS = {
  lines: fileCursor,
  whole: contentCursor,
  batch: syncCursor,
} as const satisfies Record<Framing, SourceCursor>;
