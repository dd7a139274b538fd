import 'reflect-metadata';
import { getMetadataArgsStorage } from 'typeorm';
import { ApiKey, BuyerGroup, BuyerGroupMember, ENTITIES, WebhookDelivery } from './entities';
import { DECIMAL_PROPERTIES, type LeftJoined, type PgRow } from './rows';

const columnsOf = (entity: object) =>
  getMetadataArgsStorage().columns.filter((column) => column.target === entity);

const snakeCase = (property: string): string =>
  property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

describe('PgRow', () => {
  it.each(ENTITIES.map((entity) => [entity.name, entity] as const))(
    '%s: lists exactly the bigint and numeric properties as decimals',
    (_name, entity) => {
      const decimalColumns = columnsOf(entity)
        .filter((column) => column.options.type === 'bigint' || column.options.type === 'numeric')
        .map((column) => column.propertyName)
        .sort();
      const listed = DECIMAL_PROPERTIES.find((entry) => entry.entity === entity);
      expect([...(listed?.properties ?? [])].sort()).toEqual(decimalColumns);
    },
  );

  it.each(ENTITIES.map((entity) => [entity.name, entity] as const))(
    '%s: names every column as the snake_case of its property',
    (_name, entity) => {
      const columns = columnsOf(entity);
      expect(columns.length).toBeGreaterThan(0);
      for (const column of columns) {
        expect(column.options.name ?? column.propertyName).toBe(snakeCase(column.propertyName));
      }
    },
  );

  it('types decimals as text and every other column as the entity does', () => {
    // Compile-time: these assignments are the test; the values only make them run.
    const group: PgRow<BuyerGroup, 'companyId' | 'generation' | 'confidence' | 'computedAt'> = {
      company_id: 'c1',
      generation: '7',
      confidence: null,
      computed_at: new Date(0),
    };
    const member: PgRow<BuyerGroupMember, 'score' | 'enrichment'> = {
      score: '8.50',
      enrichment: { email: 'ada@example.com' },
    };
    const key: PgRow<ApiKey, 'keyPrefix' | 'revokedAt'> = { key_prefix: 'bgs_', revoked_at: null };
    const archive: LeftJoined<PgRow<WebhookDelivery, 'bodyBytes'>> = { body_bytes: null };
    // @ts-expect-error: a bigint arrives as a string, never as a number.
    const wrong: PgRow<BuyerGroup, 'generation'> = { generation: 7 };
    // @ts-expect-error: an integer arrives as a number.
    const alsoWrong: PgRow<WebhookDelivery, 'bodyBytes'> = { body_bytes: '12' };
    expect([group, member, key, archive, wrong, alsoWrong]).toHaveLength(6);
  });
});
