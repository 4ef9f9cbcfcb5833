import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ChatlakeError, type ErrorCode, HTTP_STATUSES } from '../core/errors.js';
import { type SchemaError, validationMessage } from './validation-message.js';

/**
 * The one error body: `{error: {code, message}}`. A `ChatlakeError`'s hint is never sent: hints are written
 * for the command line ("start again without --cursor", "set --database-url"), so an HTTP client gets the
 * message alone, and what an HTTP client needs to know is said in the message of the errors HTTP raises.
 */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

const BY_STATUS: Record<number, ErrorCode | 'uri_too_long' | 'bad_request'> = {
  400: 'invalid_argument',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
};

/** Maps any error to a status and the JSON error body. Never a stack trace; 5xx are logged with the request id. */
export function replyError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ChatlakeError) {
    const status = HTTP_STATUSES[error.code];
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(errorBody(error.code, error.message));
  }
  const e = error as FastifyError;
  if (e.validation) {
    return reply
      .status(400)
      .send(
        errorBody('invalid_argument', validationMessage(e.validationContext, e.validation as SchemaError[])),
      );
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  // A client error Fastify raised (bad URL, body limit, content type, …) keeps its status, in our shape.
  if (status >= 400 && status < 500) {
    return reply.status(status).send(errorBody(BY_STATUS[status] ?? 'bad_request', e.message));
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send(errorBody('internal', `internal error; see the server log for request id ${request.id}`));
}
