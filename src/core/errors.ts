/** The one error base class: a string code mapped once to CLI exit codes (and later HTTP statuses). */
export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'conflict'
  | 'config'
  | 'io'
  | 'integrity'
  | 'busy'
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
  internal: 70,
};
