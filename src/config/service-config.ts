import { readFileSync } from 'node:fs';
import { ChatlakeError } from '../core/errors.js';

/** The service's settings, resolved once: defaults < config file < env < flags, each validated by name. */
export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  /** When set, the webhook needs it (path segment or `x-webhook-secret` header). */
  readonly webhookSecret: string | null;
  readonly bodyLimitBytes: number;
  /** Compact the hot tier when it holds this many rows or bytes, or its oldest row is this old. */
  readonly hotMaxRows: number;
  readonly hotMaxBytes: number;
  readonly hotMaxAgeSeconds: number;
  /** How often the compactor looks at the hot tier. */
  readonly compactCheckSeconds: number;
  /** A partition's small files (each compaction adds one) are merged into one once there are this many… */
  readonly mergeMinFiles: number;
  /** …files under this many bytes. */
  readonly mergeMaxBytes: number;
  readonly idempotencyTtlHours: number;
  /** A deleted message can be restored within this many hours. */
  readonly deleteGraceHours: number;
  readonly attachmentMaxBytes: number;
  readonly attachmentTypes: readonly string[];
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

type Setting = keyof ServiceConfig;

const DEFAULTS: ServiceConfig = {
  host: '127.0.0.1',
  port: 8080,
  webhookSecret: null,
  bodyLimitBytes: 1024 * 1024,
  hotMaxRows: 20_000,
  hotMaxBytes: 64 * 1024 * 1024,
  hotMaxAgeSeconds: 60,
  compactCheckSeconds: 1,
  mergeMinFiles: 8,
  mergeMaxBytes: 32 * 1024 * 1024,
  idempotencyTtlHours: 24,
  deleteGraceHours: 24,
  attachmentMaxBytes: 25 * 1024 * 1024,
  attachmentTypes: [
    'image/*',
    'audio/*',
    'video/*',
    'application/pdf',
    'application/octet-stream',
    'text/plain',
  ],
  logLevel: 'info',
};

const ENV: Record<Setting, string> = {
  host: 'CHATLAKE_HOST',
  port: 'CHATLAKE_PORT',
  webhookSecret: 'CHATLAKE_WEBHOOK_SECRET',
  bodyLimitBytes: 'CHATLAKE_BODY_LIMIT_BYTES',
  hotMaxRows: 'CHATLAKE_HOT_MAX_ROWS',
  hotMaxBytes: 'CHATLAKE_HOT_MAX_BYTES',
  hotMaxAgeSeconds: 'CHATLAKE_HOT_MAX_AGE_SECONDS',
  compactCheckSeconds: 'CHATLAKE_COMPACT_CHECK_SECONDS',
  mergeMinFiles: 'CHATLAKE_MERGE_MIN_FILES',
  mergeMaxBytes: 'CHATLAKE_MERGE_MAX_BYTES',
  idempotencyTtlHours: 'CHATLAKE_IDEMPOTENCY_TTL_HOURS',
  deleteGraceHours: 'CHATLAKE_DELETE_GRACE_HOURS',
  attachmentMaxBytes: 'CHATLAKE_ATTACHMENT_MAX_BYTES',
  attachmentTypes: 'CHATLAKE_ATTACHMENT_TYPES',
  logLevel: 'CHATLAKE_LOG_LEVEL',
};

/**
 * Resolves the service settings. `file` is a JSON object with any of the settings (keys as in
 * ServiceConfig); env variables are named in ENV; flags win. Every bad value names its setting and source.
 */
export function resolveServiceConfig(
  flags: Partial<Record<Setting, unknown>> & { config?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  return resolveServiceConfigWithSources(flags, env).config;
}

/**
 * resolveServiceConfig, and where each setting came from: "default", "file <path>", "env CHATLAKE_…" or
 * "flag --…" (for `chatlake config`).
 */
export function resolveServiceConfigWithSources(
  flags: Partial<Record<Setting, unknown>> & { config?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): { config: ServiceConfig; sources: Record<Setting, string> } {
  const path = flags.config ?? env.CHATLAKE_CONFIG;
  const file = path ? readConfigFile(path) : {};
  const out: Record<string, unknown> = { ...DEFAULTS };
  const sources = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, 'default'])) as Record<
    Setting,
    string
  >;
  for (const key of Object.keys(file)) {
    if (!(key in DEFAULTS)) {
      throw new ChatlakeError(
        'config',
        `unknown setting "${key}" in ${path}`,
        `settings: ${Object.keys(DEFAULTS).join(', ')}`,
      );
    }
    out[key] = check(key as Setting, file[key], `${path}`);
    sources[key as Setting] = `file ${path}`;
  }
  for (const key of Object.keys(DEFAULTS) as Setting[]) {
    const text = env[ENV[key]];
    if (text !== undefined && text !== '') {
      out[key] = check(key, fromText(key, text), ENV[key]);
      sources[key] = `env ${ENV[key]}`;
    }
    const flag = flags[key];
    if (flag !== undefined) {
      out[key] = check(key, flag, `--${kebab(key)}`);
      sources[key] = `flag --${kebab(key)}`;
    }
  }
  return { config: Object.freeze(out) as unknown as ServiceConfig, sources };
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChatlakeError('config', `cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {}
  throw new ChatlakeError('config', `config file ${path} is not a JSON object`, 'example: {"port": 8080}');
}

function fromText(key: Setting, text: string): unknown {
  const d = DEFAULTS[key];
  if (typeof d === 'number') return Number(text);
  if (Array.isArray(d)) return text.split(',').map((s) => s.trim());
  return text;
}

function check(key: Setting, value: unknown, source: string): unknown {
  const bad = (want: string) =>
    new ChatlakeError(
      'config',
      `setting ${key} (from ${source}) must be ${want}, got ${JSON.stringify(value)}`,
    );
  const d = DEFAULTS[key];
  if (key === 'port') {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535)
      throw bad('a port number 0–65535');
    return value;
  }
  if (key === 'logLevel') {
    if (!['debug', 'info', 'warn', 'error', 'silent'].includes(value as string))
      throw bad('one of debug, info, warn, error, silent');
    return value;
  }
  if (key === 'webhookSecret') {
    if (value !== null && (typeof value !== 'string' || value.length < 8))
      throw bad('a string of ≥ 8 characters');
    return value;
  }
  if (key === 'mergeMinFiles') {
    if (!Number.isInteger(value) || (value as number) < 2) throw bad('a whole number ≥ 2');
    return value;
  }
  if (typeof d === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw bad('a positive number');
    return value;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !/^[\w.+-]+\/[\w.+*-]+$/.test(v)))
      throw bad('a list of MIME types such as image/* or application/pdf');
    return Object.freeze([...value]);
  }
  if (typeof value !== 'string' || value === '') throw bad('a non-empty string');
  return value;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
