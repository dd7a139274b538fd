/**
 * Bearer-key authentication for every /api/v1 route, with the scope the route needs. A key of
 * the wrong scope is known and valid, so it gets 403 with a code naming the scope it lacks,
 * not 401: the caller should use another key, not retry this one.
 */
import type { ApiKeyScope } from '@bgs/db';
import { describeError } from '@bgs/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'winston';
import { hashApiKey, isWellFormedApiKey, parseBearer } from './api-keys';
import { send } from './http';
import type {
  ApiKeyIdentity,
  ApiKeyLookup,
  OperatorKeyIdentity,
  WorkspaceKeyIdentity,
} from './store';

export type ScopeDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'unauthorized' }
  | {
      readonly kind: 'forbidden';
      readonly body: { readonly error: string; readonly message: string };
    };

const REFUSALS: Record<ApiKeyScope, { readonly error: string; readonly message: string }> = {
  workspace: {
    error: 'workspace_key_required',
    message: 'this route needs a workspace key; an operator key sees no workspace',
  },
  operator: {
    error: 'operator_key_required',
    message: 'this route needs an operator key (api-keys create --operator)',
  },
};

/** Whether a key (undefined: none matched) may use a route that needs `required`. */
export function scopeDecision(
  key: ApiKeyIdentity | undefined,
  required: ApiKeyScope,
): ScopeDecision {
  if (!key || key.revoked) return { kind: 'unauthorized' };
  if (key.scope !== required) return { kind: 'forbidden', body: REFUSALS[required] };
  return { kind: 'allow' };
}

/** `authenticate(scope)` is the middleware of the routes that need keys of that scope. */
export function createAuthenticator(
  keys: ApiKeyLookup,
  logger: Logger,
): (scope: ApiKeyScope) => RequestHandler {
  return (scope) => async (req: Request, res: Response, next: NextFunction) => {
    const token = parseBearer(req.get('authorization'));
    // The hash lookup is the comparison: no raw key is ever compared.
    const key =
      token !== undefined && isWellFormedApiKey(token)
        ? await keys.findKeyByHash(hashApiKey(token))
        : undefined;
    const decision = scopeDecision(key, scope);
    if (decision.kind === 'forbidden') {
      send(res, 403, decision.body);
      return;
    }
    if (decision.kind === 'unauthorized' || !key) {
      send(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    res.locals.caller = key;
    try {
      await keys.touchKey(key.id);
    } catch (error) {
      logger.warn('could not record the use of an API key', {
        apiKeyId: key.id,
        error: describeError(error),
      });
    }
    next();
  };
}

function callerOf(res: Response): ApiKeyIdentity {
  return res.locals.caller as ApiKeyIdentity;
}

/** The caller of a route behind `authenticate('workspace')`. */
export function workspaceCallerOf(res: Response): WorkspaceKeyIdentity {
  const caller = callerOf(res);
  if (caller.scope !== 'workspace') throw new Error('a workspace route without a workspace key');
  return caller;
}

/** The caller of a route behind `authenticate('operator')`. */
export function operatorCallerOf(res: Response): OperatorKeyIdentity {
  const caller = callerOf(res);
  if (caller.scope !== 'operator') throw new Error('an operator route without an operator key');
  return caller;
}
