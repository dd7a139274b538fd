import { scopeDecision } from './authenticate';
import type { ApiKeyIdentity } from './store';

const workspaceKey: ApiKeyIdentity = {
  id: 'k-1',
  scope: 'workspace',
  workspaceId: 'ws-1',
  revoked: false,
};
const operatorKey: ApiKeyIdentity = {
  id: 'k-2',
  scope: 'operator',
  workspaceId: null,
  revoked: false,
};

describe('scopeDecision', () => {
  it('lets a key of the scope a route needs through', () => {
    expect(scopeDecision(workspaceKey, 'workspace')).toEqual({ kind: 'allow' });
    expect(scopeDecision(operatorKey, 'operator')).toEqual({ kind: 'allow' });
  });

  it('refuses a key of the other scope with a code naming the scope needed', () => {
    expect(scopeDecision(workspaceKey, 'operator')).toEqual({
      kind: 'forbidden',
      body: { error: 'operator_key_required', message: expect.stringContaining('operator key') },
    });
    expect(scopeDecision(operatorKey, 'workspace')).toEqual({
      kind: 'forbidden',
      body: { error: 'workspace_key_required', message: expect.stringContaining('workspace key') },
    });
  });

  it('answers unauthorized, not forbidden, for no key or a revoked one of either scope', () => {
    expect(scopeDecision(undefined, 'operator')).toEqual({ kind: 'unauthorized' });
    expect(scopeDecision({ ...operatorKey, revoked: true }, 'operator')).toEqual({
      kind: 'unauthorized',
    });
    // A revoked key says nothing about its scope either.
    expect(scopeDecision({ ...workspaceKey, revoked: true }, 'operator')).toEqual({
      kind: 'unauthorized',
    });
  });
});
