/**
 * What every /api/v1 router shares: the JSON error shape and its answers, the JSON body reader,
 * and the error handler that turns any failure into a JSON answer without internals. One home,
 * so the workspace API and the operator API answer alike.
 */
import { isTransientDbError } from '@bgs/db';
import { describeError, type z } from '@bgs/platform';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'winston';
import { clientErrorAnswer } from '../client-errors';

export const BODY_LIMIT = '16kb';
const RETRY_AFTER_S = '5';

export interface ApiErrorBody {
  readonly error: string;
  readonly message?: string;
  readonly field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message ?? body.error);
    this.name = 'ApiError';
  }
}

export const NOT_FOUND = (): ApiError => new ApiError(404, { error: 'not_found' });
export const UNAVAILABLE = (): ApiError =>
  new ApiError(
    503,
    { error: 'unavailable', message: 'try again later' },
    { 'retry-after': RETRY_AFTER_S },
  );

export function send(
  res: Response,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return; // a request timeout answered first
  res
    .status(status)
    .set({ 'cache-control': 'no-store', ...headers })
    .json(body);
}

const shorten = (text: string, max = 100): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

/**
 * The 400 for the first issue zod found in a body or a query string: `unknown_field` naming a
 * key that is not allowed, else `invalid_field` / `invalid_query` naming the field with its
 * message from `messages`, else `invalid_body` / `invalid_query` for the whole.
 */
export function invalidInput(
  issues: readonly z.core.$ZodIssue[],
  where: 'body' | 'query',
  messages: Readonly<Record<string, string>>,
): ApiError {
  const issue = issues[0];
  const allowed = Object.keys(messages).join(', ');
  if (issue?.code === 'unrecognized_keys') {
    const field = shorten(issue.keys[0] ?? '');
    return new ApiError(400, {
      error: 'unknown_field',
      field,
      message: `unknown field ${JSON.stringify(field)}; allowed: ${allowed}`,
    });
  }
  const field = issue?.path[0];
  const error = where === 'body' ? 'invalid_field' : 'invalid_query';
  if (typeof field === 'string' && messages[field]) {
    return new ApiError(400, { error, field, message: messages[field] });
  }
  return where === 'body'
    ? new ApiError(400, { error: 'invalid_body', message: 'the body must be a JSON object' })
    : new ApiError(400, { error, message: `allowed parameters: ${allowed}` });
}

/**
 * A body, when there is one, must be JSON: checked before reading it. Then body-parser reads
 * at most 16 KiB (never inflating compressed bodies) and parses it; its errors reach the
 * router's error handler.
 */
export const requireJsonWhenBody = (req: Request, _res: Response, next: NextFunction): void => {
  const length = req.headers['content-length'];
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (hasBody && !req.is('application/json')) {
    next(
      new ApiError(415, {
        error: 'unsupported_media_type',
        message: 'send Content-Type: application/json',
      }),
    );
    return;
  }
  next();
};

export const parseJson = express.json({
  limit: BODY_LIMIT,
  strict: false,
  inflate: false,
  type: () => true,
});

/** Turns every error of a router's routes into a JSON answer: no stack traces, no internals. */
export function apiErrorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ApiError) {
      send(res, error.status, error.body, error.headers);
      return;
    }
    const refused = clientErrorAnswer(error);
    if (refused) {
      send(res, refused.status, refused.body);
      return;
    }
    if (isTransientDbError(error)) {
      logger.warn('database unavailable', { path: req.path, error: describeError(error) });
      const { status, body, headers } = UNAVAILABLE();
      send(res, status, body, headers);
      return;
    }
    logger.error('API request failed', {
      method: req.method,
      path: req.path,
      error: describeError(error),
    });
    send(res, 500, { error: 'internal_error' });
  };
}
