/**
 * Signatures made by implementations that are not ours: the `standardwebhooks` package,
 * @octokit/webhooks-methods (ESM-only, so it runs in a child Node process) and openssl.
 */
import { execFileSync } from 'node:child_process';
import { Webhook } from 'standardwebhooks';

export type Headers = Record<string, string>;

export function standardWebhooksHeaders(
  secret: string,
  id: string,
  body: string,
  at: Date = new Date(),
): Headers {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/** The predecessor's scheme, signed with openssl. */
export function legacyHeaders(secret: string, body: string, atMs: number = Date.now()): Headers {
  const output = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], {
    input: `${atMs}.${body}`,
  }).toString('utf8');
  const hex = output.trim().split(' ').pop() ?? '';
  return { 'x-signature': hex, 'x-timestamp': String(atMs) };
}

/** GitHub's X-Hub-Signature-256 for every [secret, body] pair, in one child process. */
export function githubSignatures(pairs: readonly (readonly [string, string])[]): string[] {
  const script = `
    import { sign } from '@octokit/webhooks-methods';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const signed = [];
    for (const [secret, body] of JSON.parse(input)) signed.push(await sign(secret, body));
    process.stdout.write(JSON.stringify(signed));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: __dirname,
    input: JSON.stringify(pairs),
  });
  return JSON.parse(out.toString('utf8')) as string[];
}
