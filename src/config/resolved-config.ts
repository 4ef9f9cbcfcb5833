import { resolve } from 'node:path';
import { ChatlakeError } from '../core/errors.js';
import { assertTimeZone } from '../core/local-day.js';

/** Everything configurable, resolved once: defaults < env < flags. Nothing else reads process.env. */
export interface ResolvedConfig {
  readonly dataDir: string;
  readonly catalogPath: string;
  /** A postgres:// URL: the catalog lives in PostgreSQL instead of the SQLite file at catalogPath. */
  readonly databaseUrl: string | null;
  readonly lakeDir: string;
  /** The zone local days are cut in: as asked, until `openLake` settles it with the one the lake remembers. */
  readonly timeZone: string;
  /** Where timeZone was asked for (null: not asked, the default). */
  readonly timeZoneFrom: '--tz' | 'CHATLAKE_TZ' | null;
  /** Input bytes gathered into one batch (one set of Parquet files, one catalog commit). */
  readonly batchBytes: number;
  /** DuckDB memory limit, e.g. "512MB". */
  readonly duckdbMemory: string;
  /**
   * The platforms' options (declared by their modules), by setting name: each a list and where it was given,
   * the flag or the env var (null: not given, or an empty env value; `openLake` then uses the list the lake
   * saved). An empty flag value (`--flag ""`) is given: it clears them.
   */
  readonly platformOptions: Readonly<Record<string, PlatformOptionValue>>;
}

/**
 * A platform option as config resolves it: declared by a platform module, handed in by app/ (config names no
 * platform). Its value is a comma-separated list.
 */
export interface DeclaredOption {
  /** Its name among the lake's settings. */
  readonly setting: string;
  /** The CLI flag that gives it ("--…"). */
  readonly flag: string;
  /** The env var that gives it. */
  readonly env: string;
}

/** A platform option's list, and where it was given: its flag, its env var, or null (not given). */
export interface PlatformOptionValue {
  readonly value: readonly string[];
  readonly from: string | null;
}

export interface ConfigFlags {
  dataDir?: string;
  tz?: string;
  batchBytes?: number;
  databaseUrl?: string;
  /** The platforms' options given by flags, by setting name, comma-separated. */
  platformOptions?: Readonly<Record<string, string | undefined>>;
  /**
   * The command only reads: the lake must exist already (`openLake` says so, exit 3, and creates nothing), and
   * the settings given (--tz, platform options) apply to this run but are saved only by writers.
   */
  readOnly?: boolean;
}

/** Input bytes per ingest commit. Two batches are in memory at once (one decoding, one committing): at 16 MB
 * an ingest peaks at ≈ 760 MB RSS on 1 M lines, at 32 MB ≈ 990 MB (1.1 GB at 10 M lines). */
const DEFAULT_BATCH_BYTES = 16 * 1024 * 1024;

export function resolveConfig(
  flags: ConfigFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  declared: readonly DeclaredOption[] = [],
): ResolvedConfig {
  const dataDir = resolve(flags.dataDir ?? env.CHATLAKE_DATA_DIR ?? './data');
  const timeZoneFrom = flags.tz ? '--tz' : env.CHATLAKE_TZ ? 'CHATLAKE_TZ' : null;
  const timeZone = flags.tz || env.CHATLAKE_TZ || 'UTC';
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new ChatlakeError(
      'config',
      `unknown time zone "${timeZone}" (from ${timeZoneFrom})`,
      'use an IANA name such as UTC or Asia/Shanghai',
    );
  }
  const databaseUrl = databaseUrlFrom(flags.databaseUrl, env.CHATLAKE_DATABASE_URL);
  const batchBytes = flags.batchBytes ?? numberFrom(env.CHATLAKE_BATCH_BYTES, 'CHATLAKE_BATCH_BYTES');
  return Object.freeze({
    dataDir,
    catalogPath: resolve(dataDir, 'catalog.sqlite'),
    databaseUrl,
    lakeDir: resolve(dataDir, 'lake'),
    timeZone,
    timeZoneFrom,
    batchBytes: batchBytes ?? DEFAULT_BATCH_BYTES,
    duckdbMemory: env.CHATLAKE_DUCKDB_MEMORY ?? '384MB',
    platformOptions: Object.freeze(
      Object.fromEntries(declared.map((o) => [o.setting, platformOption(o, flags, env)])),
    ),
  });
}

/** A declared option as given: by its flag, else by its env var (when not empty), else not given. */
function platformOption(
  option: DeclaredOption,
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
): PlatformOptionValue {
  const flag = flags.platformOptions?.[option.setting];
  const text = flag ?? env[option.env];
  const from = flag !== undefined ? option.flag : env[option.env] ? option.env : null;
  return Object.freeze({ value: Object.freeze(idList(text)), from });
}

function databaseUrlFrom(flag: string | undefined, env: string | undefined): string | null {
  const url = flag || env || null;
  if (url === null || /^postgres(ql)?:\/\//i.test(url)) return url;
  throw new ChatlakeError(
    'config',
    `${flag ? '--database-url' : 'CHATLAKE_DATABASE_URL'} must be a postgres:// or postgresql:// URL`,
    'e.g. postgres://user:password@host:5432/chatlake; leave it unset for the SQLite catalog in the data directory',
  );
}

function numberFrom(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new ChatlakeError('config', `${name} must be a positive number, got "${text}"`);
  return n;
}

/** A comma-separated list ("a, b"), blanks left out. */
function idList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/**
 * Where a setting's value came from: "default", "flag --tz", "env CHATLAKE_TZ", "file <path>" (the service's
 * settings file) or "lake" (saved by the lake; filled in by `chatlake config`).
 */
export type SettingSource = string;

/** A setting's value and where it came from. */
export interface Setting {
  value: unknown;
  from: SettingSource;
}

/**
 * The settings resolveConfig resolves, each with its value and where it came from (for `chatlake config`):
 * dataDir, databaseUrl, timeZone, the platforms' options (by setting name), batchBytes, duckdbMemory.
 */
export function configSources(
  flags: ConfigFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  declared: readonly DeclaredOption[] = [],
): Record<'dataDir' | 'databaseUrl' | 'timeZone' | 'batchBytes' | 'duckdbMemory', Setting> &
  Record<string, Setting> {
  const config = resolveConfig(flags, env, declared);
  const from = (flag: string, given: unknown, name: string) =>
    given !== undefined && given !== '' ? `flag ${flag}` : env[name] ? `env ${name}` : 'default';
  return {
    dataDir: { value: config.dataDir, from: from('--data-dir', flags.dataDir, 'CHATLAKE_DATA_DIR') },
    databaseUrl: {
      value: config.databaseUrl?.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') ?? null,
      from: from('--database-url', flags.databaseUrl, 'CHATLAKE_DATABASE_URL'),
    },
    timeZone: { value: config.timeZone, from: from('--tz', flags.tz, 'CHATLAKE_TZ') },
    ...Object.fromEntries(
      declared.map((o) => {
        const { value, from } = config.platformOptions[o.setting]!;
        return [
          o.setting,
          { value, from: from === null ? 'default' : from === o.flag ? `flag ${from}` : `env ${from}` },
        ];
      }),
    ),
    batchBytes: {
      value: config.batchBytes,
      from: from('--batch-mb', flags.batchBytes, 'CHATLAKE_BATCH_BYTES'),
    },
    duckdbMemory: {
      value: config.duckdbMemory,
      from: env.CHATLAKE_DUCKDB_MEMORY ? 'env CHATLAKE_DUCKDB_MEMORY' : 'default',
    },
  };
}
