/**
 * Webhook sources: who may send us events, how they sign them, which event types they may
 * send and how fast. Declared in a JSON file (WEBHOOK_SOURCES_FILE) whose secrets are either
 * inline (local development) or named environment variables (everywhere else).
 *
 * Rotation without downtime: list the new secret beside the old one, reload (SIGHUP), let
 * the provider switch, then remove the old one and reload again.
 */
import { readFileSync } from 'node:fs';
import { DEVELOPMENT_REFUSAL, developmentDefaultsRefused, z } from '@bgs/platform';
import { SIGNATURE_SCHEMES, type SignatureScheme } from './signatures';
import { EVENT_TYPES, type EventType } from './events';

const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const secretSchema = z.union([
  z.object({ value: z.string().min(16, 'a secret needs at least 16 characters') }).strict(),
  z
    .object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') })
    .strict(),
]);

const sourceSchema = z
  .object({
    scheme: z.enum(SIGNATURE_SCHEMES as unknown as [SignatureScheme, ...SignatureScheme[]]),
    secrets: z.array(secretSchema).min(1, 'at least one secret').max(5),
    eventTypes: z
      .array(z.enum(EVENT_TYPES as unknown as [EventType, ...EventType[]]))
      .min(1)
      .optional(),
    rateLimit: z
      .object({
        perSecond: z.number().int().positive().max(1_000_000),
      })
      .strict()
      .optional(),
    description: z.string().max(500).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    sources: z.record(z.string().regex(SOURCE_NAME, 'a lower-case source name'), sourceSchema),
  })
  .strict();

export interface WebhookSource {
  readonly name: string;
  readonly scheme: SignatureScheme;
  /** Resolved secret values; never logged, never returned by an endpoint. */
  readonly secrets: readonly string[];
  readonly eventTypes: readonly EventType[];
  readonly rateLimit: { readonly perSecond: number };
  readonly description?: string;
}

export class SourcesConfigError extends Error {
  constructor(file: string, detail: string) {
    super(`webhook sources in ${file}: ${detail}`);
    this.name = 'SourcesConfigError';
  }
}

const DEFAULT_RATE = { perSecond: 1000 } as const;

/**
 * The secrets of deploy/local/webhook-sources.json, which the README and the tests publish:
 * production refuses them wherever they come from (inline or an environment variable), unless
 * BGS_DEV_DEFAULTS=allow. A test keeps this list in step with the file.
 */
export const LOCAL_DEVELOPMENT_SECRETS: readonly string[] = [
  'whsec_bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1zdGFuZGFyZC13ZWJob29rcw==',
  'local-development-only-legacy-secret',
  'local-development-only-github-secret',
];

/** Where (`sources.<name>.secrets.<i>`) the declaration uses a local development secret. */
export function developmentSecretsIn(sources: ReadonlyMap<string, WebhookSource>): string[] {
  return [...sources.values()].flatMap((source) =>
    source.secrets.flatMap((secret, index) =>
      LOCAL_DEVELOPMENT_SECRETS.includes(secret) ? [`sources.${source.name}.secrets.${index}`] : [],
    ),
  );
}

/**
 * Validates the declaration and resolves secrets from `env`. Error messages never hold a secret.
 * In production (`NODE_ENV=production` in `env`) the local development secrets are refused.
 */
export function parseSources(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  file = '(inline)',
): Map<string, WebhookSource> {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new SourcesConfigError(file, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  const sources = new Map<string, WebhookSource>();
  for (const [name, declared] of Object.entries(parsed.data.sources)) {
    const secrets = declared.secrets.map((secret, index) => {
      if ('value' in secret) return secret.value;
      const value = env[secret.env];
      if (!value || value.length < 16) {
        throw new SourcesConfigError(
          file,
          `sources.${name}.secrets.${index}: environment variable ${secret.env} is ${value ? 'shorter than 16 characters' : 'not set'}`,
        );
      }
      return value;
    });
    sources.set(name, {
      name,
      scheme: declared.scheme,
      secrets,
      eventTypes: declared.eventTypes ?? EVENT_TYPES,
      rateLimit: declared.rateLimit ?? DEFAULT_RATE,
      ...(declared.description ? { description: declared.description } : {}),
    });
  }
  const development = developmentDefaultsRefused(env) ? developmentSecretsIn(sources) : [];
  if (development.length > 0) {
    throw new SourcesConfigError(
      file,
      `${development.join(', ')}: the local stack's webhook secrets; ${DEVELOPMENT_REFUSAL}`,
    );
  }
  return sources;
}

export function loadSourcesFile(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Map<string, WebhookSource> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SourcesConfigError(
      file,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SourcesConfigError(file, 'is not valid JSON');
  }
  return parseSources(raw, env, file);
}

/** The live set of sources; `replace` swaps it atomically (reload, rotation). */
export class SourceRegistry {
  #sources: ReadonlyMap<string, WebhookSource>;

  constructor(sources: ReadonlyMap<string, WebhookSource>) {
    this.#sources = sources;
  }

  get(name: string): WebhookSource | undefined {
    return this.#sources.get(name);
  }

  replace(sources: ReadonlyMap<string, WebhookSource>): void {
    this.#sources = sources;
  }

  names(): string[] {
    return [...this.#sources.keys()];
  }
}
