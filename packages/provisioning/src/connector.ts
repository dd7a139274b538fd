/**
 * The Debezium Postgres connector, declared once. The native stack and compose both
 * register exactly this config; only where the database is differs.
 */
export const CONNECTOR_NAME = 'bgs-upstream-postgres';

export interface ConnectorDatabase {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dbname: string;
}

/** Keys whose values depend on where the database runs, not on what we capture. */
export const CONNECTOR_LOCATION_KEYS = ['database.hostname', 'database.port'] as const;

export function debeziumConnectorConfig(db: ConnectorDatabase): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': db.host,
    'database.port': String(db.port),
    'database.user': db.user,
    'database.password': db.password,
    'database.dbname': db.dbname,
    // Never change: it names every CDC topic and the connector's stored offsets.
    'topic.prefix': 'cdc',
    // The default, decoderbufs, needs a server extension we do not install.
    'plugin.name': 'pgoutput',
    'slot.name': 'bgs_debezium',
    'publication.name': 'bgs_debezium',
    'publication.autocreate.mode': 'filtered',
    'table.include.list': 'public.people,public.companies',
    'snapshot.mode': 'initial',
    // JSON without embedded schemas: the envelope is validated on our side.
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'decimal.handling.mode': 'string',
    'time.precision.mode': 'connect',
    'tombstones.on.delete': 'true',
    // A quiet database must still let the slot advance, or it pins WAL forever.
    'heartbeat.interval.ms': '10000',
    'heartbeat.action.query':
      'INSERT INTO public.debezium_heartbeat (id, beat_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET beat_at = now()',
    // Debezium's 500 ms default is a latency floor when traffic is low.
    'poll.interval.ms': '50',
  };
}
