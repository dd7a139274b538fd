/**
 * The api-keys CLI's store on the ApiKey repository, against the stack's Postgres: what `list`
 * shows and in which order, and that revoking twice keeps the first revocation time.
 */
import type { DataSource } from 'typeorm';
import { createDataSource } from '@bgs/db';
import { generateApiKey } from '../../services/ingress/src/api/api-keys';
import {
  createPgApiKeyAdminStore,
  type ApiKeyAdminStore,
} from '../../services/ingress/src/api/key-admin-store';
import { requireStack, stack, uniqueName } from '../helpers/stack';

describe('api key admin store', () => {
  let db: DataSource;
  let store: ApiKeyAdminStore;

  beforeAll(async () => {
    await requireStack();
    db = await createDataSource(stack.databaseUrl, { poolSize: 1 }).initialize();
    store = createPgApiKeyAdminStore(db);
  });
  afterAll(() => db.destroy());

  const secret = () => {
    const { prefix, hash } = generateApiKey();
    return { prefix, hash };
  };

  it('lists one workspace oldest first, and one scope with operator keys before workspace keys', async () => {
    const workspace = uniqueName('ws-list');
    const firstSecret = secret();
    const first = await store.createKey({ workspaceId: workspace, name: 'first', ...firstSecret });
    const second = await store.createKey({ workspaceId: workspace, name: 'second', ...secret() });
    const operator = await store.createOperatorKey({ name: uniqueName('op'), ...secret() });

    const ofWorkspace = await store.listKeys({ workspaceId: workspace });
    expect(ofWorkspace.map((key) => key.id)).toEqual([first.id, second.id]);
    expect(ofWorkspace[0]?.keyPrefix).toBe(firstSecret.prefix);
    expect(JSON.stringify(ofWorkspace)).not.toContain(firstSecret.hash);

    const operators = await store.listKeys({ scope: 'operator' });
    expect(operators.map((key) => key.id)).toContain(operator.id);
    expect(operators.every((key) => key.scope === 'operator' && key.workspaceId === null)).toBe(
      true,
    );

    const all = (await store.listKeys()).map((key) => key.id);
    expect(all.indexOf(operator.id)).toBeLessThan(all.indexOf(first.id));
  });

  it('keeps the first revocation time when a key is revoked again', async () => {
    const key = await store.createKey({
      workspaceId: uniqueName('ws-rev'),
      name: 'k',
      ...secret(),
    });
    expect((await store.revokeKey(key.id))?.revokedAt).toBeInstanceOf(Date);
    // The first revocation, moved a day back so a second one could not land in the same ms.
    const dayAgo = new Date(Date.now() - 86_400_000);
    await db.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [key.id, dayAgo]);
    expect((await store.revokeKey(key.id))?.revokedAt).toEqual(dayAgo);
    expect(await store.revokeKey('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});
