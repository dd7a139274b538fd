/**
 * The baseline's webhook door, as the predecessor designed it: verify the `x-signature` HMAC,
 * validate the body, claim the event id in Postgres (`ON CONFLICT DO NOTHING`), add one BullMQ
 * job per touched company, answer 202. Express 4, so async errors are passed to `next` by hand.
 */
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Queue } from 'bullmq';
import type { Pool } from 'pg';
import { describeError, type Logger } from '@bgs/platform';
import { refreshJobs, type RefreshJobData } from './jobs';
import { parseRefreshEvent, touchedCompanyIds, type RefreshEvent } from './payload';
import { BASELINE_SCHEMA } from './schema';
import { verifyLegacySignature } from './signature';

export const WEBHOOK_PATH = '/webhooks/legacy';
const BODY_LIMIT = '256kb';

export interface WebhookServerDeps {
  readonly db: Pick<Pool, 'query'>;
  readonly queue: Pick<Queue<RefreshJobData>, 'add' | 'addBulk'>;
  readonly webhookSecret: string;
  readonly companyLimitMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

type Outcome = { readonly status: number; readonly body: Record<string, string> };

export function createBaselineApp(deps: WebhookServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Nobody revalidates a webhook answer; hashing every 202 body is work for nothing.
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  app.post(
    WEBHOOK_PATH,
    express.raw({ type: 'application/json', limit: BODY_LIMIT }),
    (req: Request, res: Response, next: NextFunction) => {
      acceptWebhook(deps, req).then(
        (outcome) => res.status(outcome.status).json(outcome.body),
        next,
      );
    },
  );
  app.use(errorHandler(deps.logger));
  return app;
}

async function acceptWebhook(deps: WebhookServerDeps, req: Request): Promise<Outcome> {
  const now = deps.now ?? Date.now;
  if (!Buffer.isBuffer(req.body)) {
    return { status: 415, body: { error: 'content-type must be application/json' } };
  }
  const rawBody = req.body;
  const signature = verifyLegacySignature(
    { rawBody, signature: req.get('x-signature'), timestamp: req.get('x-timestamp') },
    { secret: deps.webhookSecret, nowMs: now() },
  );
  // One answer for every signature failure: the reason would help a forger.
  if (!signature.ok) return { status: 401, body: { error: 'invalid signature' } };

  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'body is not JSON' } };
  }
  const parsed = parseRefreshEvent(json);
  if (!parsed.ok) return { status: 400, body: { error: parsed.reason } };

  const event = parsed.event;
  if (!(await claimEvent(deps.db, event, rawBody))) {
    return { status: 200, body: { status: 'already_processed' } };
  }
  const jobs = refreshJobs(touchedCompanyIds(event), event.id, now(), deps.companyLimitMs);
  try {
    // One job (most events) is one script call; a move's two go in one MULTI.
    const [only] = jobs;
    if (jobs.length === 1 && only) await deps.queue.add(only.name, only.data, only.opts);
    else await deps.queue.addBulk(jobs);
  } catch (error) {
    // Give the id back, so the provider's retry is not taken for a duplicate.
    await releaseEvent(deps.db, event.id);
    deps.logger.error('enqueue failed', { eventId: event.id, error: describeError(error) });
    return { status: 503, body: { error: 'queue unavailable, retry later' } };
  }
  return { status: 202, body: { status: 'accepted' } };
}

/** True when this request is the first with the event id. */
async function claimEvent(
  db: WebhookServerDeps['db'],
  event: RefreshEvent,
  rawBody: Buffer,
): Promise<boolean> {
  // Named: each pooled connection parses and plans the hot statement once, not per webhook.
  const result = await db.query({
    name: 'baseline-claim-event',
    text: `INSERT INTO ${BASELINE_SCHEMA}.webhook_events (event_id, event_type, company_id, payload)
           VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (event_id) DO NOTHING`,
    values: [event.id, event.type, event.company.id, rawBody.toString('utf8')],
  });
  return result.rowCount === 1;
}

async function releaseEvent(db: WebhookServerDeps['db'], eventId: string): Promise<void> {
  await db
    .query(`DELETE FROM ${BASELINE_SCHEMA}.webhook_events WHERE event_id = $1`, [eventId])
    .catch(() => undefined);
}

/** body-parser's errors carry their status (413 too large, 400 bad encoding); others are 500. */
function errorHandler(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message });
      return;
    }
    logger.error('request failed', { error: describeError(error) });
    res.status(500).json({ error: 'internal error' });
  };
}

export function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
    server.once('error', reject);
  });
}
