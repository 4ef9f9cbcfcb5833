/** The one error base class: a string code mapped once to CLI exit codes and once to HTTP statuses. */
export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'conflict'
  | 'config'
  | 'io'
  | 'integrity'
  | 'busy'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'internal';

export class ChatlakeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ChatlakeError';
  }
}

export const EXIT_CODES: Record<ErrorCode, number> = {
  invalid_argument: 2,
  config: 2,
  not_found: 3,
  conflict: 4,
  busy: 5,
  integrity: 1,
  io: 6,
  unauthorized: 7,
  forbidden: 7,
  payload_too_large: 2,
  unsupported_media_type: 2,
  unprocessable: 2,
  internal: 70,
};

export const HTTP_STATUSES: Record<ErrorCode, number> = {
  invalid_argument: 400,
  config: 500,
  not_found: 404,
  conflict: 409,
  busy: 503,
  integrity: 500,
  io: 500,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  internal: 500,
};
