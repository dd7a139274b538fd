import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SchemaCodec, TopicDeclaration } from '@bgs/platform';
import type { Progress } from './progress';

/** The Confluent default: a topic's value schema lives under `<topic>-value`. */
export const valueSubject = (topic: string): string => `${topic}-value`;

/**
 * Registers the value schema of each topic that declares one, with BACKWARD compatibility.
 * Registering an unchanged schema returns its existing id; an incompatible change is refused
 * by the registry, and that refusal stops provisioning.
 */
export async function provisionSchemas(
  codec: SchemaCodec,
  declarations: readonly TopicDeclaration[],
  schemasDir: string,
  progress: Progress,
): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const topic of declarations) {
    if (!topic.valueSchema) continue;
    const file = path.join(schemasDir, topic.valueSchema);
    const schema = await readFile(file, 'utf8');
    const subject = valueSubject(topic.name);
    const id = await codec.register(subject, schema, 'BACKWARD');
    ids[subject] = id;
    progress(`schema ${topic.valueSchema} registered as ${subject} (id ${id})`);
  }
  return ids;
}
