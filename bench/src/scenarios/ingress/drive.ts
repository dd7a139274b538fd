/**
 * The closed-loop load generator, run in a child process (drive-main.ts) so that autocannon
 * does not share an event loop with anything else: it sends every pre-signed request once, in
 * order, over a fixed number of connections, each sending the next as soon as it has an answer.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface PreparedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface DriveJob {
  readonly url: string;
  readonly requestsFile: string;
  readonly connections: number;
}

export interface DriveResult {
  readonly sent: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statuses: Record<string, number>;
}

export async function drive(job: DriveJob): Promise<DriveResult> {
  const prepared = JSON.parse(readFileSync(job.requestsFile, 'utf8')) as PreparedRequest[];
  let next = 0;
  const result = await autocannon({
    url: job.url,
    connections: Math.min(job.connections, prepared.length),
    amount: prepared.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        // One entry whose every request is built here: each is sent once, in order.
        setupRequest: (request) => {
          const { body, headers } = prepared[next++ % prepared.length] as PreparedRequest;
          return { ...request, method: 'POST', body, headers };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[status] = count ?? 0;
  }
  const sent = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    sent,
    durationS: result.duration,
    requestsPerSecond: result.duration > 0 ? sent / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
  };
}
