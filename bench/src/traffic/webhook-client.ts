/**
 * Posts signed webhooks in the predecessor's `x-signature` scheme (ingress's `legacy` source and
 * the baseline's door verify the same one) over a keep-alive agent sized for the load, so an
 * open-loop rate of thousands per second does not open a connection per request.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

/** The source of deploy/local/webhook-sources.json whose scheme the baseline also speaks. */
export const LEGACY_SOURCE = 'legacy';
const REQUEST_TIMEOUT_MS = 30_000;

export class WebhookRefused extends Error {
  override readonly name = 'WebhookRefused';
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`answered ${status}: ${body.slice(0, 200)}`);
  }
}

/** `x-signature`: hex HMAC-SHA256 of `${x-timestamp}.${body}`, the timestamp in unix ms. */
export function legacySignatureHeaders(
  secret: string,
  body: string,
  atMs: number,
): Record<string, string> {
  const timestamp = String(atMs);
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-signature': signature, 'x-timestamp': timestamp };
}

/** The first secret of the `legacy` source, as the local ingress reads it. */
export function legacySecretFrom(fileText: string): string {
  const parsed = JSON.parse(fileText) as {
    sources?: Record<string, { scheme?: string; secrets?: { value?: string }[] }>;
  };
  const source = parsed.sources?.[LEGACY_SOURCE];
  if (source?.scheme !== 'legacy-hmac') {
    throw new Error(`the webhook sources file has no legacy-hmac source "${LEGACY_SOURCE}"`);
  }
  const secret = source.secrets?.[0]?.value;
  if (!secret) throw new Error(`webhook source "${LEGACY_SOURCE}" has no literal secret`);
  return secret;
}

export const readLegacySecret = (file: string): string =>
  legacySecretFrom(readFileSync(file, 'utf8'));

/** The reset of a reused socket: the server had closed it as idle. `reset` is the error. */
class StaleSocketError extends Error {
  constructor(readonly reset: Error) {
    super(reset.message);
    this.name = 'StaleSocketError';
  }
}

const isReset = (error: Error): boolean => (error as NodeJS.ErrnoException).code === 'ECONNRESET';

export class WebhookClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly secret: string,
    maxSockets: number,
  ) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /**
   * Resolves with the time the 2xx answer arrived; rejects with WebhookRefused otherwise. A kept
   * socket the server closed as idle (its keep-alive timeout) just as the request went out ends
   * in ECONNRESET before the server read anything: that request is sent once more on a new
   * socket, as Node's documentation advises (`request.reusedSocket`). Ingress deduplicates by
   * event id, so a resend can never count twice.
   */
  async post(body: string, atMs: number = Date.now()): Promise<number> {
    const payload = Buffer.from(body, 'utf8');
    const headers = {
      'content-type': 'application/json',
      'content-length': String(payload.length),
      ...legacySignatureHeaders(this.secret, body, atMs),
    };
    try {
      return await this.send(payload, headers);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
    }
    try {
      return await this.send(payload, headers);
    } catch (error) {
      throw error instanceof StaleSocketError ? error.reset : error;
    }
  }

  private send(payload: Buffer, headers: http.OutgoingHttpHeaders): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        this.target,
        { method: 'POST', agent: this.agent, headers, timeout: REQUEST_TIMEOUT_MS },
        (response) => {
          const answeredAt = Date.now();
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(answeredAt);
            else reject(new WebhookRefused(status, Buffer.concat(chunks).toString('utf8')));
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('request timed out')));
      request.on('error', (error) =>
        reject(request.reusedSocket && isReset(error) ? new StaleSocketError(error) : error),
      );
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
