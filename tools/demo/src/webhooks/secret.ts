/**
 * The signing secret of a webhook source, read from the same sources file the local ingress
 * reads (deploy/local/webhook-sources.json, or BGS_WEBHOOK_SOURCES_FILE as the stack honours).
 */
import { readFileSync } from 'node:fs';
import { z } from '@bgs/platform';

const sourcesFileSchema = z.object({
  sources: z.record(
    z.string(),
    z.object({
      scheme: z.string(),
      secrets: z
        .array(z.union([z.object({ value: z.string() }), z.object({ env: z.string() })]))
        .min(1),
    }),
  ),
});

/** The first secret of `source`: the one a provider signs with until it rotates. */
export function webhookSecretFrom(
  fileText: string,
  source: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const parsed = sourcesFileSchema.safeParse(JSON.parse(fileText));
  if (!parsed.success) throw new Error(`webhook sources file: ${parsed.error.issues[0]?.message}`);
  const declared = parsed.data.sources[source];
  if (!declared) throw new Error(`webhook sources file has no source "${source}"`);
  if (declared.scheme !== 'standard-webhooks') {
    throw new Error(`webhook source "${source}" uses ${declared.scheme}, not standard-webhooks`);
  }
  const first = declared.secrets[0];
  const secret = first && ('value' in first ? first.value : env[first.env]);
  if (!secret) throw new Error(`webhook source "${source}" has no usable secret`);
  return secret;
}

export const readWebhookSecret = (
  file: string,
  source: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string => webhookSecretFrom(readFileSync(file, 'utf8'), source, env);
