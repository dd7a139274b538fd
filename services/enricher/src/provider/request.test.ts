import { ProviderError } from './port';
import {
  REPLY_CONTRACTS,
  assertSendableIdempotencyKey,
  callSpec,
  providerSpanAttributes,
  requestInit,
} from './request';

const request = {
  idempotencyKey: 'key-1',
  companyId: 'company-1',
  people: [
    { personId: 'p-1', fullName: 'Ada Lovelace', title: 'CTO', department: 'Engineering' },
    { personId: 'p-2', fullName: null, title: null, department: null },
  ],
};

describe('callSpec', () => {
  it('sends only the contract fields, and remembers who was asked about', () => {
    const richer = { ...request, people: [{ ...request.people[0]!, ssn: '078-05-1120' }] };
    const call = callSpec('enrich', richer, REPLY_CONTRACTS.enrich);
    expect(JSON.parse(call.body)).toEqual({ companyId: 'company-1', people: [request.people[0]] });
    expect(call.body).not.toContain('078-05-1120');
    expect(call).toMatchObject({ operation: 'enrich', idempotencyKey: 'key-1' });
    expect([...call.asked]).toEqual(['p-1']);
  });

  it("checks each operation's reply against its own contract", () => {
    const research = callSpec('research', request, REPLY_CONTRACTS.research);
    const reply = {
      companySummary: 's',
      insights: [{ personId: 'p-2', summary: '', priorities: [] }],
    };
    expect(research.schema.safeParse(reply).success).toBe(true);
    expect(research.peopleOf(reply).map((p) => p.personId)).toEqual(['p-2']);
    const enrich = callSpec('enrich', request, REPLY_CONTRACTS.enrich);
    expect(enrich.schema.safeParse(reply).success).toBe(false);
    expect(enrich.peopleOf({ contacts: [] })).toEqual([]);
  });
});

describe('assertSendableIdempotencyKey', () => {
  it('accepts visible ASCII up to 255 characters', () => {
    expect(() =>
      assertSendableIdempotencyKey({ operation: 'enrich', idempotencyKey: 'a'.repeat(255) }),
    ).not.toThrow();
  });

  it.each([[''], ['bad key'], ['line\nbreak'], ['é'], ['a'.repeat(256)]])(
    'refuses %j as a permanent rejection',
    (idempotencyKey) => {
      let thrown: unknown;
      try {
        assertSendableIdempotencyKey({ operation: 'research', idempotencyKey });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProviderError);
      expect(thrown).toMatchObject({ kind: 'rejected', retryable: false });
      expect((thrown as Error).message).toContain('research');
    },
  );
});

describe('requestInit', () => {
  it('posts the body with bearer auth and the idempotency key, following no redirect', () => {
    const signal = new AbortController().signal;
    const init = requestInit({ idempotencyKey: 'key-1', body: '{"a":1}' }, 'sk-1', signal);
    expect(init).toEqual({
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-1',
        'idempotency-key': 'key-1',
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: '{"a":1}',
      redirect: 'manual',
      signal,
    });
  });
});

describe('providerSpanAttributes', () => {
  it('names the server and the path, never the people sent', () => {
    const attributes = providerSpanAttributes('https://api.provider.example/base/', 'research', {
      companyId: 'co-9',
      people: [{ fullName: 'Ada Lovelace' }],
    });
    expect(attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': 'api.provider.example',
      'server.port': 443,
      'url.path': '/base/v1/research',
      'bgs.provider.operation': 'research',
      'bgs.company_id': 'co-9',
      'bgs.provider.people': 1,
    });
    expect(JSON.stringify(attributes)).not.toContain('Ada');
  });

  it('takes the port from the URL, or 80 for plain http', () => {
    const at = (baseUrl: string) =>
      providerSpanAttributes(baseUrl, 'enrich', { companyId: 'c', people: [] });
    expect(at('http://127.0.0.1:8089')).toMatchObject({
      'server.port': 8089,
      'url.path': '/v1/contacts/enrich',
    });
    expect(at('http://provider.internal')['server.port']).toBe(80);
  });
});
