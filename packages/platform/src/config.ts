/**
 * Environment configuration: each service declares a zod object whose keys ARE the
 * environment variable names, and reads it once at start-up with `loadConfig`.
 *
 * Development defaults (values made for the local stack: its database password, its brokers,
 * the local provider's key) are marked on their fields. A production process
 * (`NODE_ENV=production`, as the Dockerfile sets) refuses to start on one unless it opts in
 * with `BGS_DEV_DEFAULTS=allow`, as the local stack and compose do (docs/personal-data.md).
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

export { z };

/** The raw environment: every value a string, or absent. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A field reads one environment variable (a string, or nothing) and yields a typed value. */
export type EnvField<T> = z.ZodType<T, string | undefined>;

export interface ConfigIssue {
  /** The environment variable, or `(environment)` for problems not tied to one. */
  readonly variable: string;
  readonly message: string;
}

/** Thrown by `loadConfig`; the message names every bad or missing variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
  }
}

/** Variable names whose values are never printed. */
// HEADERS: OTEL_EXPORTER_OTLP_HEADERS and the like carry a collector's credentials.
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|HEADERS/i;

/** `scheme://user:password@…` → `scheme://user:***@…` (up to the last `@`, so odd passwords never leak). */
export function redactUrlCredentials(value: string): string {
  return value.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):(\S*)@/gi,
    (_match, scheme: string, user: string) => `${scheme}${user}:***@`,
  );
}

/** How a variable's value may appear in an error message. */
export function displayEnvValue(variable: string, value: string): string {
  if (SECRET_NAME.test(variable)) return '[redacted]';
  const shown = redactUrlCredentials(value);
  // a connection string with an `@` that is not a well-formed URL may still hold a password
  if (shown === value && /(URL|URI|DSN)$/i.test(variable) && value.includes('@')) {
    return '[redacted]';
  }
  return JSON.stringify(shown);
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/**
 * A value made for the local stack that must not reach production by accident: production
 * refuses it unless `BGS_DEV_DEFAULTS=allow`.
 */
export interface DevelopmentValue<T> {
  /** What the value is, for the refusal: "the local provider's development key". */
  readonly what: string;
  /**
   * Whether a value is one. Without it only the field's default is; with it also a value set
   * on purpose, e.g. any URL that carries the stack's password.
   */
  readonly matches?: (value: T) => boolean;
}

interface FieldOptions<T> {
  /** Used when the variable is unset or empty. Without it the variable is required. */
  readonly default?: T;
  /** Marks the default (or the values `matches` picks) as for development only. */
  readonly development?: DevelopmentValue<T>;
}

/**
 * The development test of each marked field, keyed by the field itself, so any object schema
 * built from marked fields is checked by `loadConfig` without listing them again.
 */
const developmentTests = new WeakMap<z.ZodType, (value: unknown) => string | undefined>();

function markDevelopment<T>(field: EnvField<T>, options: FieldOptions<T>): EnvField<T> {
  const mark = options.development;
  if (mark) {
    const matches = mark.matches ?? ((value: T) => isDeepStrictEqual(value, options.default));
    developmentTests.set(field, (value) => (matches(value as T) ? mark.what : undefined));
  }
  return field;
}

/**
 * The building block of every field: unset or empty (after trimming) means "use the default",
 * anything else goes through `parse`, whose failure reason becomes the error message.
 */
export function envField<T>(
  parse: (raw: string) => Parsed<T>,
  options: FieldOptions<T> = {},
): EnvField<T> {
  const field: EnvField<T> = z
    .string()
    .optional()
    .transform((input, ctx): T => {
      const raw = input?.trim() ?? '';
      if (raw === '') {
        if (options.default !== undefined) return options.default;
        ctx.issues.push({ code: 'custom', message: 'is required but not set', input });
        return z.NEVER;
      }
      const parsed = parse(raw);
      if (parsed.ok) return parsed.value;
      ctx.issues.push({ code: 'custom', message: parsed.reason, input });
      return z.NEVER;
    });
  return markDevelopment(field, options);
}

/** An optional field: unset or empty yields `undefined`. */
export function optionalEnvField<T>(parse: (raw: string) => Parsed<T>): EnvField<T | undefined> {
  return z
    .string()
    .optional()
    .transform((input, ctx): T | undefined => {
      const raw = input?.trim() ?? '';
      if (raw === '') return undefined;
      const parsed = parse(raw);
      if (parsed.ok) return parsed.value;
      ctx.issues.push({ code: 'custom', message: parsed.reason, input });
      return z.NEVER;
    });
}

export const stringField = (options: FieldOptions<string> = {}): EnvField<string> =>
  envField((raw) => ok(raw), options);

export function intField(
  options: FieldOptions<number> & { readonly min?: number; readonly max?: number } = {},
): EnvField<number> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const expected =
    options.min !== undefined && options.max !== undefined
      ? `an integer from ${min} to ${max}`
      : options.min !== undefined
        ? `an integer of at least ${min}`
        : options.max !== undefined
          ? `an integer of at most ${max}`
          : 'an integer';
  return envField((raw) => {
    if (!/^[-+]?\d+$/.test(raw)) return fail(`expected ${expected}`);
    const value = Number(raw);
    return Number.isSafeInteger(value) && value >= min && value <= max
      ? ok(value)
      : fail(`expected ${expected}`);
  }, options);
}

export const portField = (defaultPort?: number): EnvField<number> =>
  intField({ min: 1, max: 65535, ...(defaultPort !== undefined ? { default: defaultPort } : {}) });

export function booleanField(options: FieldOptions<boolean> = {}): EnvField<boolean> {
  return envField((raw) => {
    const value = raw.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(value)) return ok(true);
    if (['false', '0', 'no', 'off'].includes(value)) return ok(false);
    return fail('expected true or false');
  }, options);
}

export function enumField<const T extends string>(
  values: readonly T[],
  options: FieldOptions<T> = {},
): EnvField<T> {
  return envField(
    (raw) =>
      (values as readonly string[]).includes(raw)
        ? ok(raw as T)
        : fail(`expected one of ${values.join(', ')}`),
    options,
  );
}

/** A comma-separated list of distinct values from `values`, e.g. `route,discover`. */
export function enumListField<const T extends string>(
  values: readonly T[],
  options: FieldOptions<T[]> = {},
): EnvField<T[]> {
  return envField((raw) => {
    const entries = raw.split(',').map((entry) => entry.trim());
    const unknown = entries.filter((entry) => !(values as readonly string[]).includes(entry));
    if (unknown.length > 0) {
      return fail(`expected a comma-separated list of ${values.join(', ')}`);
    }
    if (new Set(entries).size !== entries.length) return fail('lists a value twice');
    return ok(entries as T[]);
  }, options);
}

/** An absolute URL whose scheme is one of `protocols` (without the colon, e.g. `https`). */
export function urlField(
  protocols: readonly string[],
  options: FieldOptions<string> = {},
): EnvField<string> {
  const expected = `expected a ${protocols.join(' or ')} URL`;
  return envField((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail(expected);
    }
    if (!protocols.includes(url.protocol.replace(/:$/, '')) || url.hostname === '') {
      return fail(expected);
    }
    return ok(raw.replace(/\/+$/, ''));
  }, options);
}

const HOST_PORT = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):(\d{1,5})$/i;

/** A comma-separated `host:port` list, e.g. `kafka-1:9092,kafka-2:9092`. */
export function hostPortListField(options: FieldOptions<string[]> = {}): EnvField<string[]> {
  return envField((raw) => {
    const entries = raw.split(',').map((entry) => entry.trim());
    if (entries.some((entry) => entry === '')) {
      return fail('expected a comma-separated host:port list without empty entries');
    }
    const bad = entries.filter((entry) => {
      const match = HOST_PORT.exec(entry);
      const port = Number(match?.[1]);
      return !match || port < 1 || port > 65535;
    });
    if (bad.length > 0) {
      return fail(
        `expected host:port entries, bad: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      );
    }
    return ok(entries);
  }, options);
}

/** A duration in milliseconds (a non-negative integer). */
export const durationMsField = (defaultMs: number): EnvField<number> =>
  intField({ min: 0, default: defaultMs });

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The password of the stack's `bgs_app` role (docs/conventions.md); for development only. */
export const DEVELOPMENT_DATABASE_PASSWORD = 'bgs_app';
export const DEFAULT_DATABASE_URL = `postgres://bgs_app:${DEVELOPMENT_DATABASE_PASSWORD}@127.0.0.1:55432/buyergroups`;
export const DEFAULT_KAFKA_BROKERS = ['127.0.0.1:59092'];
export const DEFAULT_SCHEMA_REGISTRY_URL = 'http://127.0.0.1:58081/apis/ccompat/v7';
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 15_000;

/** Whether a database URL logs in with the stack's development password, wherever it points. */
export function hasDevelopmentDatabasePassword(url: string): boolean {
  try {
    return decodeURIComponent(new URL(url).password) === DEVELOPMENT_DATABASE_PASSWORD;
  } catch {
    return false;
  }
}

/**
 * `DATABASE_URL`: a postgres:// (or postgresql://) URL. The stack's password is a development
 * value in any URL, not only in the default: compose points the same role at another host.
 */
export const databaseUrlField: EnvField<string> = urlField(['postgres', 'postgresql'], {
  default: DEFAULT_DATABASE_URL,
  development: {
    what: "a URL with the local stack's database password",
    matches: hasDevelopmentDatabasePassword,
  },
});

// ---------------------------------------------------------------- development defaults

/** Set to `allow`, lets a production process run on development defaults. */
export const DEV_DEFAULTS_VARIABLE = 'BGS_DEV_DEFAULTS';
export const DEV_DEFAULTS_ALLOW = 'allow';

/**
 * `BGS_DEV_DEFAULTS`: declared by every service so a typo is an error rather than a silent
 * refusal. `loadConfig` reads the environment itself, so schemas without it are checked too.
 */
export const devDefaultsField: EnvField<typeof DEV_DEFAULTS_ALLOW | undefined> = optionalEnvField(
  (raw) =>
    raw === DEV_DEFAULTS_ALLOW
      ? ok(DEV_DEFAULTS_ALLOW)
      : fail(`expected ${DEV_DEFAULTS_ALLOW}, or nothing to refuse development defaults`),
);

/** Whether `env` is a production process that has not opted in to development defaults. */
export function developmentDefaultsRefused(env: Env): boolean {
  return (
    env.NODE_ENV?.trim() === 'production' &&
    env[DEV_DEFAULTS_VARIABLE]?.trim() !== DEV_DEFAULTS_ALLOW
  );
}

/** What to do about a refusal. */
const REFUSAL_ADVICE = `set this deployment's own values, or ${DEV_DEFAULTS_VARIABLE}=${DEV_DEFAULTS_ALLOW} to run on development defaults on purpose`;

/** Why production refuses a development value; for checks outside a schema (webhook secrets). */
export const DEVELOPMENT_REFUSAL = `NODE_ENV is production, which refuses development defaults: ${REFUSAL_ADVICE}`;

export interface DevelopmentValueFound {
  readonly variable: string;
  readonly what: string;
}

/** The marked fields of an object schema whose value in `config` is a development value. */
export function developmentValuesIn(schema: z.ZodType, config: unknown): DevelopmentValueFound[] {
  if (!(schema instanceof z.ZodObject) || typeof config !== 'object' || config === null) return [];
  const found: DevelopmentValueFound[] = [];
  for (const [variable, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const what = developmentTests.get(field)?.((config as Record<string, unknown>)[variable]);
    if (what !== undefined) found.push({ variable, what });
  }
  return found;
}

/** One issue per variable, then why and what to do, once: the line stays readable. */
function developmentIssues(found: readonly DevelopmentValueFound[], env: Env): ConfigIssue[] {
  return [
    ...found.map(({ variable, what }) => ({
      variable,
      message: `${(env[variable]?.trim() ?? '') !== '' ? 'is' : 'is not set, and its default is'} ${what}, a development default`,
    })),
    {
      variable: 'NODE_ENV',
      message: `is production, which refuses development defaults: ${REFUSAL_ADVICE}`,
    },
  ];
}

/**
 * The variables every service reads (docs/conventions.md): HTTP, logging, shutdown, the
 * development-defaults opt-in and tracing. A service that talks to no Kafka (the local
 * provider) reads only these.
 */
export function coreServiceConfigShape(defaultPort: number) {
  return {
    HTTP_HOST: stringField({ default: '127.0.0.1' }),
    HTTP_PORT: portField(defaultPort),
    LOG_LEVEL: enumField(LOG_LEVELS, { default: 'info' }),
    SHUTDOWN_TIMEOUT_MS: durationMsField(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    BGS_DEV_DEFAULTS: devDefaultsField,
    ...tracingConfigShape(),
  };
}

/** The variables of a service that talks to Kafka; the runtime gives it a client (`kafka`). */
export function kafkaConfigShape(serviceName: string) {
  return {
    KAFKA_BROKERS: hostPortListField({
      default: DEFAULT_KAFKA_BROKERS,
      development: { what: "the local stack's Kafka broker" },
    }),
    KAFKA_CLIENT_ID: stringField({ default: serviceName }),
    SCHEMA_REGISTRY_URL: urlField(['http', 'https'], {
      default: DEFAULT_SCHEMA_REGISTRY_URL,
      development: { what: "the local stack's schema registry" },
    }),
  };
}

/** The variables of a Kafka service: the core ones and the Kafka ones. */
export function baseServiceConfigShape(serviceName: string, defaultPort: number) {
  const { HTTP_HOST, HTTP_PORT, LOG_LEVEL, ...rest } = coreServiceConfigShape(defaultPort);
  // In this order, as ever: a configuration error names the variables in the schema's order.
  return { HTTP_HOST, HTTP_PORT, LOG_LEVEL, ...kafkaConfigShape(serviceName), ...rest };
}

// ---------------------------------------------------------------- tracing (OpenTelemetry)

/** `key=value,key2=value2`, each part percent-decoded (W3C Baggage's syntax, which OTEL_* lists use). */
function parseKeyValueList(raw: string): Parsed<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('=');
    const key = at < 0 ? '' : entry.slice(0, at).trim();
    if (key === '') return fail('expected a comma-separated list of key=value');
    try {
      result[decodeURIComponent(key)] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      return fail('expected a comma-separated list of key=value, percent-encoded');
    }
  }
  return ok(result);
}

const optionalInt = (min: number): EnvField<number | undefined> =>
  optionalEnvField((raw) =>
    /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) && Number(raw) >= min
      ? ok(Number(raw))
      : fail(`expected an integer of at least ${min}`),
  );

const optionalEnum = <const T extends string>(
  values: readonly T[],
  hint = '',
): EnvField<T | undefined> =>
  optionalEnvField((raw) =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as T)
      : fail(`expected one of ${values.join(', ')}${hint}`),
  );

const optionalHttpUrl: EnvField<string | undefined> = optionalEnvField((raw) => {
  try {
    const url = new URL(raw);
    if (['http:', 'https:'].includes(url.protocol) && url.hostname !== '') return ok(raw);
  } catch {
    // not a URL: refused below
  }
  return fail('expected a http or https URL');
});

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
const OTLP_PROTOCOL_HINT = " (grpc is not supported: use the collector's OTLP/HTTP port)";

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/**
 * The standard OpenTelemetry variables the runtime's tracing reads (tracing.ts), declared so a
 * typo is a start-up error rather than a silently dropped trace, and so the manifests' checks
 * know them. Tracing stays off unless an OTLP endpoint (or `OTEL_TRACES_EXPORTER=otlp`) is set.
 * The SDK reads the same variables itself as fallbacks; the runtime passes the validated values.
 */
export function tracingConfigShape() {
  return {
    OTEL_SDK_DISABLED: booleanField({ default: false }),
    OTEL_TRACES_EXPORTER: optionalEnum(['otlp', 'none'] as const),
    OTEL_SERVICE_NAME: optionalEnvField((raw) => ok(raw)),
    OTEL_RESOURCE_ATTRIBUTES: optionalEnvField(parseKeyValueList),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalHttpUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalHttpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: optionalEnum(OTLP_PROTOCOLS, OTLP_PROTOCOL_HINT),
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optionalEnum(OTLP_PROTOCOLS, OTLP_PROTOCOL_HINT),
    OTEL_EXPORTER_OTLP_HEADERS: optionalEnvField(parseKeyValueList),
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: optionalEnvField(parseKeyValueList),
    OTEL_EXPORTER_OTLP_TIMEOUT: optionalInt(1),
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: optionalInt(1),
    OTEL_TRACES_SAMPLER: optionalEnum(TRACES_SAMPLERS),
    OTEL_TRACES_SAMPLER_ARG: optionalEnvField((raw) =>
      /^\d*\.?\d+$/.test(raw) && Number(raw) <= 1
        ? ok(Number(raw))
        : fail('expected a number from 0 to 1'),
    ),
    OTEL_BSP_SCHEDULE_DELAY: optionalInt(0),
    OTEL_BSP_EXPORT_TIMEOUT: optionalInt(1),
    OTEL_BSP_MAX_QUEUE_SIZE: optionalInt(1),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: optionalInt(1),
  };
}

/** The typed result of the tracing shape. */
export type TracingConfig = {
  [K in keyof ReturnType<typeof tracingConfigShape>]: z.output<
    ReturnType<typeof tracingConfigShape>[K]
  >;
};

/** The typed result of a shape: each variable's parsed value. */
type ShapeOutput<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.output<S[K]> };

/** The typed result of the core shape: what every service's configuration holds. */
export type CoreServiceConfig = ShapeOutput<ReturnType<typeof coreServiceConfigShape>>;

/** The typed result of the Kafka shape. */
export type KafkaConfig = ShapeOutput<ReturnType<typeof kafkaConfigShape>>;

/** The typed result of the base shape. */
export type BaseServiceConfig = ShapeOutput<ReturnType<typeof baseServiceConfigShape>>;

/** The typed configuration a schema produces. */
export type ConfigOf<S extends z.ZodType> = z.output<S>;

function describeIssue(issue: z.core.$ZodIssue, env: Env): ConfigIssue {
  const key = issue.path[0];
  if (typeof key !== 'string') return { variable: '(environment)', message: issue.message };
  const value = env[key];
  // zod's own issues (a schema not built from these fields) get a plain wording
  const message =
    value === undefined && issue.code === 'invalid_type'
      ? 'is required but not set'
      : issue.message;
  return {
    variable: key,
    message:
      value === undefined || value.trim() === ''
        ? message
        : `${message}, got ${displayEnvValue(key, value)}`,
  };
}

/**
 * Validates `env` against `schema` once and returns the typed configuration.
 * Throws a `ConfigError` naming every bad or missing variable; secret values are never shown.
 * Under `NODE_ENV=production` it also refuses, naming each, the variables that hold a
 * development value, unless `BGS_DEV_DEFAULTS=allow`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, env)));
  }
  if (developmentDefaultsRefused(env)) {
    const found = developmentValuesIn(schema, result.data);
    if (found.length > 0) throw new ConfigError(developmentIssues(found, env));
  }
  return Object.freeze(result.data) as z.output<S>;
}
