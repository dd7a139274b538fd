import { AttemptError } from './failures';
import { assertOnlyAskedPeople, checkedReply, parseReply } from './reply';
import { REPLY_CONTRACTS, callSpec } from './request';

const call = callSpec(
  'enrich',
  {
    idempotencyKey: 'k',
    companyId: 'c',
    people: [{ personId: 'p-1', fullName: null, title: null, department: null }],
  },
  REPLY_CONTRACTS.enrich,
);

const contact = { personId: 'p-1', email: null, phone: null, linkedinUrl: null, verified: false };

async function failure(promise: Promise<unknown>): Promise<AttemptError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof AttemptError) return error;
  throw new Error(`expected an AttemptError, got ${String(error)}`);
}

describe('checkedReply', () => {
  const identity = (text: string): string => text;

  it('returns a 2xx reply of the contract about the people asked', async () => {
    const reply = { contacts: [contact] };
    await expect(checkedReply(call, Response.json(reply), identity)).resolves.toEqual(reply);
  });

  it('words a non-2xx reply with its scrubbed body start and Retry-After', async () => {
    const response = new Response('x'.repeat(1_000), {
      status: 503,
      headers: { 'retry-after': '7' },
    });
    const error = await failure(checkedReply(call, response, (text) => text.replace(/x/g, 'y')));
    expect(error).toMatchObject({ kind: 'server_error', retryable: true, status: 503 });
    expect(error.retryAfterMs).toBe(7_000);
    // only the first 300 bytes of an error body make it into the message
    expect(error.message).toBe(`provider enrich call answered 503: ${'y'.repeat(300)}`);
  });

  it('refuses a reply over 4 MiB as malformed', async () => {
    const huge = new Response(new Uint8Array(4 * 1024 * 1024 + 1).fill(0x20));
    const error = await failure(checkedReply(call, huge, identity));
    expect(error).toMatchObject({ kind: 'malformed_reply', retryable: true, status: 200 });
    expect(error.message).toBe(`provider reply exceeds ${4 * 1024 * 1024} bytes`);
  });

  it('refuses a reply about someone not asked about', async () => {
    const response = Response.json({ contacts: [{ ...contact, personId: 'p-9' }] });
    const error = await failure(checkedReply(call, response, identity));
    expect(error.kind).toBe('malformed_reply');
  });
});

describe('parseReply', () => {
  const { schema } = REPLY_CONTRACTS.research;

  it('refuses text that is not JSON', () => {
    expect(() => parseReply('research', '{oops', schema)).toThrow(
      new AttemptError('provider research reply is not JSON', 'malformed_reply', true, 200),
    );
  });

  it('names where the reply leaves the contract', () => {
    expect(() => parseReply('research', '{"companySummary":1,"insights":[]}', schema)).toThrow(
      /does not match the contract at companySummary: /,
    );
    expect(() => parseReply('research', '[]', schema)).toThrow(/at \(root\): /);
  });
});

describe('assertOnlyAskedPeople', () => {
  const asked = new Set(['p-1', 'p-2']);

  it('accepts replies about some or all of the people asked', () => {
    expect(() => assertOnlyAskedPeople('enrich', [], asked)).not.toThrow();
    expect(() =>
      assertOnlyAskedPeople('enrich', [{ personId: 'p-2' }, { personId: 'p-1' }], asked),
    ).not.toThrow();
  });

  it('refuses a reply naming anyone else as malformed', () => {
    expect(() => assertOnlyAskedPeople('enrich', [{ personId: 'p-3' }], asked)).toThrow(
      'provider enrich reply names a person that was not asked about',
    );
  });
});
