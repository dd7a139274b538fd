import { stackEndpoints } from './endpoints';

describe('stackEndpoints', () => {
  it('defaults to the local stack of docs/conventions.md', () => {
    expect(stackEndpoints({})).toEqual({
      databaseUrl: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
      kafkaBrokers: ['127.0.0.1:59092'],
      schemaRegistryUrl: 'http://127.0.0.1:58081/apis/ccompat/v7',
      ingressUrl: 'http://127.0.0.1:58100',
    });
  });

  it('follows moved ports and explicit URLs', () => {
    expect(
      stackEndpoints({
        BGS_PG_PORT: '6543',
        BGS_REGISTRY_PORT: '8081',
        KAFKA_BROKERS: 'k1:9092, k2:9092',
        INGRESS_URL: 'http://ingress:8080/',
      }),
    ).toEqual({
      databaseUrl: 'postgres://bgs_app:bgs_app@127.0.0.1:6543/buyergroups',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
      ingressUrl: 'http://ingress:8080',
    });
  });
});
