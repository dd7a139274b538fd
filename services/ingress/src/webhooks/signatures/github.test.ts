import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { verifyGithub } from './github';
import type { SignedRequest, VerifyOptions } from './types';

/**
 * The independent signer is @octokit/webhooks-methods' own `sign`. That package is ESM-only
 * (its `exports` offer only an `import` condition), and Jest's CommonJS runtime cannot `import()`
 * it without --experimental-vm-modules, so it runs in a child Node process: one call signs
 * every [secret, body] pair the tests need.
 */
function octokitSignAll(pairs: readonly (readonly [string, string])[]): string[] {
  const script = `
    import { sign } from '@octokit/webhooks-methods';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const pairs = JSON.parse(input);
    const out = [];
    for (const [secret, body] of pairs) out.push(await sign(secret, body));
    process.stdout.write(JSON.stringify(out));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: __dirname, // resolves the package from the workspace's node_modules
    input: JSON.stringify(pairs),
  });
  return JSON.parse(out.toString('utf8')) as string[];
}

const BODY = '{"action":"opened","name":"Zoë"}';
const TAMPERED = BODY.replace('Zoë', 'Zoe');
const OLD_SECRET = 'old-secret';
const NEW_SECRET = 'new-secret-ünïcode';

const options = (secrets: string[]): VerifyOptions => ({
  secrets,
  nowMs: Date.now(),
  toleranceMs: 5 * 60 * 1000,
});

function request(signature: string | undefined, body: string = BODY): SignedRequest {
  return {
    rawBody: Buffer.from(body, 'utf8'),
    header: (name) => (name === 'x-hub-signature-256' ? signature : undefined),
  };
}

describe('verifyGithub', () => {
  let byNew = '';
  let byOld = '';

  beforeAll(() => {
    [byNew = '', byOld = ''] = octokitSignAll([
      [NEW_SECRET, BODY],
      [OLD_SECRET, BODY],
    ]);
    expect(byNew).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('accepts a request signed by @octokit/webhooks-methods', () => {
    expect(verifyGithub(request(byNew), options([NEW_SECRET]))).toEqual({ ok: true });
  });

  it('accepts upper-case hex', () => {
    const upper = `sha256=${byNew.slice('sha256='.length).toUpperCase()}`;
    expect(verifyGithub(request(upper), options([NEW_SECRET])).ok).toBe(true);
  });

  it('refuses a wrong secret', () => {
    expect(verifyGithub(request(byOld), options([NEW_SECRET]))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('accepts old and new secret during a rotation, then only the new one', () => {
    expect(verifyGithub(request(byOld), options([OLD_SECRET, NEW_SECRET])).ok).toBe(true);
    expect(verifyGithub(request(byNew), options([OLD_SECRET, NEW_SECRET])).ok).toBe(true);
    expect(verifyGithub(request(byOld), options([NEW_SECRET])).ok).toBe(false);
    expect(verifyGithub(request(byNew), options([NEW_SECRET])).ok).toBe(true);
  });

  it('refuses a tampered body', () => {
    expect(verifyGithub(request(byNew, TAMPERED), options([NEW_SECRET]))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('ignores an empty secret, which anyone could sign with', () => {
    // octokit refuses to sign with an empty secret; openssl does not.
    const hex = execFileSync('openssl', ['dgst', '-sha256', '-hmac', ''], { input: BODY })
      .toString('utf8')
      .trim()
      .split(' ')
      .pop();
    const byEmpty = `sha256=${hex}`;
    expect(byEmpty).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyGithub(request(byEmpty), options(['']))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('has no timestamp, so an old delivery still verifies', () => {
    const longAgo = { ...options([NEW_SECRET]), nowMs: 0 };
    expect(verifyGithub(request(byNew), longAgo).ok).toBe(true);
  });

  it('refuses a request without the header', () => {
    expect(verifyGithub(request(undefined), options([NEW_SECRET]))).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyGithub(request(''), options([NEW_SECRET])).ok).toBe(false);
  });

  it.each([
    ['the sha1 header format', () => `sha1=${'a'.repeat(40)}`],
    ['no prefix', () => byNew.slice('sha256='.length)],
    ['a short digest', () => byNew.slice(0, -2)],
    ['a long digest', () => `${byNew}00`],
    ['non-hex', () => `sha256=${'g'.repeat(64)}`],
    ['base64', () => `sha256=${Buffer.alloc(32).toString('base64')}`],
    ['two signatures', () => `${byOld},${byNew}`],
    ['a huge value', () => `sha256=${'a'.repeat(100_000)}`],
  ])('refuses %s as malformed', (_, value) => {
    expect(verifyGithub(request(value()), options([NEW_SECRET]))).toEqual({
      ok: false,
      reason: 'malformed_headers',
    });
  });

  it('never throws, whatever the header and body', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        fc.uint8Array({ maxLength: 200 }),
        (signature, body) => {
          const result = verifyGithub(
            { rawBody: Buffer.from(body), header: () => signature },
            options([NEW_SECRET]),
          );
          return result.ok === false;
        },
      ),
    );
  });
});
