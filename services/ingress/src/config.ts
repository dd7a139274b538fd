import {
  baseServiceConfigShape,
  databaseUrlField,
  durationMsField,
  enumField,
  intField,
  RECORD_COMPRESSIONS,
  stringField,
  z,
} from '@bgs/platform';

export const SERVICE_NAME = 'ingress';

/** The defaults of the settings wireIngress takes; tests and the bench wire with them too. */
export const SETTING_DEFAULTS = {
  WEBHOOK_BODY_LIMIT_BYTES: 256 * 1024,
  WEBHOOK_TOLERANCE_MS: 5 * 60_000,
  PRODUCE_TIMEOUT_MS: 5_000,
  CLAIM_TIMEOUT_MS: 30_000,
  REQUEST_TIMEOUT_MS: 15_000,
  KAFKA_COMPRESSION: 'none',
} as const;

/** The environment variables the ingress reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58100),
  DATABASE_URL: databaseUrlField,
  /** JSON file declaring the webhook sources (docs/ingress.md); re-read on SIGHUP. */
  WEBHOOK_SOURCES_FILE: stringField(),
  WEBHOOK_BODY_LIMIT_BYTES: intField({
    min: 1024,
    max: 10 * 1024 * 1024,
    default: SETTING_DEFAULTS.WEBHOOK_BODY_LIMIT_BYTES,
  }),
  /** Clock skew allowed either way on signed timestamps. */
  WEBHOOK_TOLERANCE_MS: durationMsField(SETTING_DEFAULTS.WEBHOOK_TOLERANCE_MS),
  /** How long a request waits for Kafka's acknowledgement before answering 503. */
  PRODUCE_TIMEOUT_MS: durationMsField(SETTING_DEFAULTS.PRODUCE_TIMEOUT_MS),
  /** A claim on an event id older than this is presumed abandoned by a crashed request. */
  CLAIM_TIMEOUT_MS: durationMsField(SETTING_DEFAULTS.CLAIM_TIMEOUT_MS),
  REQUEST_TIMEOUT_MS: durationMsField(SETTING_DEFAULTS.REQUEST_TIMEOUT_MS),
  /**
   * Compression of the records ingress sends. Off by default: on one host GZIP cost the door
   * CPU and bought nothing (docs/ingress.md has the figures); it pays where the network, not
   * the CPU, is short.
   */
  KAFKA_COMPRESSION: enumField(RECORD_COMPRESSIONS, {
    default: SETTING_DEFAULTS.KAFKA_COMPRESSION,
  }),
  /**
   * Days a verified delivery's archived body and headers are kept; then they go, and so does the
   * personal data in its `webhook_events` payload (the dedup key stays).
   */
  WEBHOOK_ARCHIVE_RETENTION_DAYS: intField({ min: 1, max: 3650, default: 7 }),
  /** How often the archive is swept for expired deliveries once no backlog is left. */
  WEBHOOK_ARCHIVE_SWEEP_INTERVAL_MS: intField({ min: 1_000, max: 86_400_000, default: 60_000 }),
  /**
   * Ingress processes on this host sharing HTTP_PORT (node:cluster, docs/ingress.md). 1 runs
   * no cluster primary at all: where an orchestrator scales by instances, each is one process.
   */
  INGRESS_WORKERS: intField({ min: 1, max: 64, default: 1 }),
});

export type Config = z.output<typeof configSchema>;
