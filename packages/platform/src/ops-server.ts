/**
 * The operations endpoints every service exposes: liveness, readiness and Prometheus metrics.
 * Plain node:http, so it starts before anything else and stops last.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from 'winston';
import { describeError } from './logger';

export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsServerOptions {
  readonly host: string;
  /** 0 picks a free port; the chosen one is returned. */
  readonly port: number;
  readonly registry: Registry;
  readonly isReady: ReadinessCheck;
  readonly logger: Logger;
  /** A readiness check slower than this counts as not ready (default 5 s). */
  readonly readinessTimeoutMs?: number;
  /**
   * Handles every other path (e.g. a service's own API on the same port).
   * Without it, other paths get a JSON 404.
   */
  readonly fallback?: http.RequestListener;
  /**
   * The text /metrics answers, in the registry's content type; the registry's own metrics
   * unless given (an ingress worker under node:cluster answers for every worker).
   */
  readonly renderMetrics?: () => Promise<string>;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

const ALLOWED_METHODS = 'GET, HEAD';

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

async function checkReady(isReady: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return (await Promise.race([Promise.resolve().then(isReady), timeout])) === true;
  } finally {
    clearTimeout(timer);
  }
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { registry, isReady, logger, fallback } = options;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 5_000;
  const renderMetrics = options.renderMetrics ?? (() => registry.metrics());

  const routes: Record<string, (res: http.ServerResponse) => Promise<void>> = {
    '/healthz': async (res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (res) => {
      let ready = false;
      try {
        ready = await checkReady(isReady, readinessTimeoutMs);
      } catch (error) {
        logger.warn('readiness check failed', { error: describeError(error) });
      }
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready' });
    },
    '/metrics': async (res) => {
      const body = await renderMetrics();
      res.writeHead(200, {
        'content-type': registry.contentType,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
    },
  };

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) {
      if (fallback) return fallback(req, res);
      return sendJson(res, 404, { error: 'not_found', path });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: ALLOWED_METHODS });
    }
    route(res).catch((error: unknown) => {
      logger.error('ops endpoint failed', { path, error: describeError(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    });
  });
  // Liveness probes must not pile up behind slow keep-alive clients.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('ops server error', { error: describeError(error) }));

  const { port } = server.address() as AddressInfo;
  logger.info('ops server listening', { host: options.host, port });

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
