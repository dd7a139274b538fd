import { providerRequestSchema } from './contract';
import { MALFORMED_BODY, faultAnswer, invalidBodyAnswer, ledgerAnswer } from './api-answers';

describe('faultAnswer', () => {
  it('sends no fault answer when none is injected', () => {
    expect(faultAnswer({ kind: 'none' })).toBeUndefined();
  });

  it('fails with the injected status, and Retry-After only when the fault sets one', () => {
    expect(faultAnswer({ kind: 'fail', status: 429, retryAfterSeconds: 2 })).toEqual({
      status: 429,
      body: { error: 'injected_fault', status: 429 },
      headers: { 'retry-after': '2' },
      metric: 'injected_failure',
      injected: true,
    });
    const failed = faultAnswer({ kind: 'fail', status: 503 });
    expect(failed).toMatchObject({ status: 503, injected: true });
    expect(failed).not.toHaveProperty('headers');
  });

  it('answers 200 with a body outside the contract for a malformed fault', () => {
    expect(faultAnswer({ kind: 'malformed' })).toEqual({
      status: 200,
      body: MALFORMED_BODY,
      metric: 'injected_malformed',
      injected: true,
    });
  });
});

describe('ledgerAnswer', () => {
  it('sends the first reply and a replayed one with 200, saying which it is', () => {
    const reply = { contacts: [] };
    expect(ledgerAnswer({ kind: 'fresh', reply })).toEqual({
      status: 200,
      body: reply,
      headers: { 'idempotent-replayed': 'false' },
      metric: 'ok',
      logged: true,
    });
    expect(ledgerAnswer({ kind: 'replayed', reply })).toMatchObject({
      status: 200,
      body: reply,
      headers: { 'idempotent-replayed': 'true' },
      metric: 'replayed',
      logged: true,
    });
  });

  it('answers 409 naming the operation a reused key was first used for', () => {
    expect(ledgerAnswer({ kind: 'conflict', operation: 'research' })).toEqual({
      status: 409,
      body: {
        error: 'idempotency_key_reused',
        reason: 'idempotency-key header: already used for a different research request',
      },
      metric: 'conflict',
      logged: true,
    });
  });
});

describe('invalidBodyAnswer', () => {
  it('names the first field that is wrong, or the body', () => {
    const parsed = providerRequestSchema.safeParse({ people: [] });
    expect(parsed.success).toBe(false);
    const answer = invalidBodyAnswer(parsed.error?.issues[0]);
    expect(answer).toMatchObject({ status: 400, metric: 'invalid' });
    expect((answer.body as { reason: string }).reason).toMatch(/^companyId: /);
    expect(invalidBodyAnswer(undefined).body).toEqual({
      error: 'invalid_request',
      reason: 'body: invalid',
    });
  });
});
