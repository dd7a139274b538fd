/**
 * Sending the fuzz run's requests: each framed with an explicit Content-Length, CONCURRENCY at a
 * time over keep-alive connections, every answer (or error) kept in the order sent.
 */
import http from 'node:http';
import { generatorProblems, headerMap, type FuzzRequest, type Outcome } from './webhook-fuzz';

export const CONCURRENCY = 16;

function withLength(headers: http.OutgoingHttpHeaders, body: Buffer): http.OutgoingHttpHeaders {
  const framed = headerMap(Object.entries(headers) as [string, string | string[]][]);
  framed['content-length'] = String(body.length);
  return framed;
}

function send(agent: http.Agent, port: number, request: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    let client: http.ClientRequest;
    try {
      client = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: request.method,
          path: request.path,
          // Explicit, or Node sends a GET/DELETE/OPTIONS body unframed and it poisons the
          // keep-alive connection for the next request.
          headers: withLength(request.headers, request.body),
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < 4096) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () =>
            settle({
              status: response.statusCode,
              body: Buffer.concat(chunks).toString('utf8').slice(0, 400),
            }),
          );
          response.on('error', (error: NodeJS.ErrnoException) =>
            settle({ status: response.statusCode, error: error.code ?? error.message, body: '' }),
          );
        },
      );
    } catch (error) {
      // Node refused to send it (an invalid header or path): a generator problem, not the app's.
      generatorProblems.push(`node refused ${request.category}/${request.label}: ${String(error)}`);
      settle({ error: 'not sent', body: '' });
      return;
    }
    client.on('timeout', () => client.destroy(new Error('client timeout after 30 s')));
    client.on('error', (error: NodeJS.ErrnoException) =>
      settle({ error: error.code ?? error.message, body: '' }),
    );
    client.end(request.body);
  });
}

export async function sendAll(port: number, requests: readonly FuzzRequest[]): Promise<Outcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const outcomes: Outcome[] = new Array<Outcome>(requests.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      outcomes[index] = await send(agent, port, requests[index] as FuzzRequest);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}
