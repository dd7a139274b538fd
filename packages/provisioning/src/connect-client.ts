import type { Progress } from './progress';

export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

async function connectCall(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new ConnectError(
      `Kafka Connect at ${new URL(url).origin} is not reachable: ${String(error)}`,
    );
  }
}

/**
 * Creates or updates the connector (PUT .../config is an upsert) and waits until the
 * connector and its task run. A FAILED state is reported with the first line of its trace.
 */
export async function registerConnector(
  connectUrl: string,
  name: string,
  config: Record<string, string>,
  progress: Progress,
  timeoutMs = 60_000,
): Promise<void> {
  const base = connectUrl.replace(/\/+$/, '');
  const put = await connectCall(`${base}/connectors/${encodeURIComponent(name)}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (!put.ok) {
    throw new ConnectError(`Connect refused connector ${name}: ${put.status} ${await put.text()}`);
  }
  progress(`connector ${name} ${put.status === 201 ? 'created' : 'config up to date'}`);

  const deadline = Date.now() + timeoutMs;
  let last = 'no status yet';
  while (Date.now() < deadline) {
    const res = await connectCall(`${base}/connectors/${encodeURIComponent(name)}/status`);
    if (res.ok) {
      const status = (await res.json()) as ConnectorStatus;
      const failed = [status.connector, ...status.tasks].find((s) => s.state === 'FAILED');
      if (failed) {
        throw new ConnectError(
          `connector ${name} FAILED: ${(failed.trace ?? '').split('\n')[0] ?? 'no trace'}`,
        );
      }
      const running =
        status.connector.state === 'RUNNING' &&
        status.tasks.length > 0 &&
        status.tasks.every((t) => t.state === 'RUNNING');
      if (running) {
        progress(`connector ${name} RUNNING with ${status.tasks.length} task(s)`);
        return;
      }
      last = `connector ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',') || 'none'}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new ConnectError(`connector ${name} not running after ${timeoutMs} ms (${last})`);
}
