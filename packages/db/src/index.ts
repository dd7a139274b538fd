import 'reflect-metadata';

export * from './entities';
export { MIGRATIONS, PipelineTables1795000100000, UpstreamTables1795000000000 } from './migrations';
export {
  createDataSource,
  migrationStatus,
  MIGRATIONS_TABLE,
  revertMigrations,
  runMigrations,
  type CreateDataSourceOptions,
  type MigrationLogger,
  type MigrationStatusEntry,
} from './data-source';
export {
  describeDbError,
  describeEndpoint,
  isTransientDbError,
  redactUrl,
  type DbEndpoint,
} from './errors';
export { bigintToNumber, numericToNumber, parseDecimal, parseSafeInteger } from './transformers';
export * from './values';
export { DECIMAL_PROPERTIES, type ColumnName, type LeftJoined, type PgRow } from './rows';
