/**
 * Row types for raw SQL, derived from the entities, so a table's row shape is declared once.
 *
 * TypeORM runs an entity's transformers on what it reads; raw SQL (a DataSource's `query`, a pg
 * Pool) does not. node-postgres returns bigint and numeric columns as decimal strings, where the
 * entity's property is a number (bigintToNumber, numericToNumber); every other column arrives as
 * the entity declares it: timestamptz a Date, jsonb parsed, integer a number, bytea a Buffer,
 * text[] an array, text a string (narrowed by the table's CHECK where the entity says so).
 * Every column is named as the snake_case of its property (`keyPrefix` is `key_prefix`), which
 * rows.test.ts holds the entities to.
 */
import { BuyerGroupMember } from './entities/buyer-group-member.entity';
import { BuyerGroupRefreshLog } from './entities/buyer-group-refresh-log.entity';
import { BuyerGroup } from './entities/buyer-group.entity';
import { CompanyCooldown } from './entities/company-cooldown.entity';
import { PipelineOperation } from './entities/pipeline-operation.entity';
import { WorkspaceSettings } from './entities/workspace-settings.entity';

const decimals = <E, K extends keyof E>(entity: new () => E, properties: readonly K[]) => ({
  entity,
  properties,
});

/**
 * Per entity, its bigint and numeric properties: what raw SQL gets as strings. An entity not
 * listed has none; rows.test.ts holds this list to the entities' column types.
 */
export const DECIMAL_PROPERTIES = [
  decimals(BuyerGroup, ['generation', 'confidence', 'cohesion']),
  decimals(BuyerGroupMember, ['score', 'generation']),
  decimals(BuyerGroupRefreshLog, ['generation']),
  decimals(CompanyCooldown, ['ownerGeneration', 'deferredGeneration']),
  decimals(PipelineOperation, ['costUsd']),
  decimals(WorkspaceSettings, ['providerBudgetUsd']),
];

type DecimalEntry = (typeof DECIMAL_PROPERTIES)[number];

/** The bigint and numeric properties of entity E (never for an entity without any). */
type DecimalPropertiesOf<E> = DecimalEntry extends infer D
  ? D extends { entity: new () => infer X; properties: readonly (infer K)[] }
    ? [X] extends [E]
      ? [E] extends [X]
        ? K
        : never
      : never
    : never
  : never;

/** A decimal column's value as node-postgres returns it: text, null staying null. */
type DecimalText<T> = T extends number ? string : T;

/** `keyPrefix` → `key_prefix`: the column name of a property. */
export type ColumnName<P extends string> = P extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${ColumnName<Tail>}`
  : P;

/**
 * The columns of entity E's properties K, as node-postgres returns them for
 * `SELECT key_prefix, created_at ...`: keyed by column name, bigint and numeric as strings.
 */
export type PgRow<E, K extends keyof E & string> = {
  readonly [P in K as ColumnName<P>]: P extends DecimalPropertiesOf<E> ? DecimalText<E[P]> : E[P];
};

/** A row's columns as a LEFT JOIN returns them: null when nothing matched. */
export type LeftJoined<Row> = { readonly [C in keyof Row]: Row[C] | null };
