import { ChatlakeError } from '../../core/errors.js';

/** A connection failure as a ChatlakeError that says what to fix; the password never appears in it. */
export function postgresConnectError(error: unknown, url: string): ChatlakeError {
  const where = redactUrl(url);
  const e = error as { code?: string; message?: string };
  const detail = e.message ?? String(error);
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new ChatlakeError(
        'io',
        `cannot reach the PostgreSQL catalog at ${where}: ${detail}`,
        'start the PostgreSQL server or fix host and port in CHATLAKE_DATABASE_URL / --database-url',
      );
    case '28P01':
    case '28000':
      return new ChatlakeError(
        'config',
        `PostgreSQL refused the login at ${where}: ${detail}`,
        'fix the user and password in CHATLAKE_DATABASE_URL / --database-url (postgres://user:password@host:port/db)',
      );
    case '3D000':
      return new ChatlakeError(
        'config',
        `the PostgreSQL catalog database does not exist at ${where}: ${detail}`,
        'create it first (createdb, or CREATE DATABASE) or name an existing one in the URL',
      );
    default:
      return new ChatlakeError(
        'io',
        `cannot connect to the PostgreSQL catalog at ${where}: ${detail}`,
        'check CHATLAKE_DATABASE_URL / --database-url and that the server accepts connections',
      );
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
