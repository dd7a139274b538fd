import { logLevel, type Kafka, type ProducerConfig } from 'kafkajs';
import { captureLogs } from '../test-support/log-capture';
import {
  createConsumer,
  createKafka,
  createProducer,
  kafkaLogCreator,
  kafkaLogLevelFor,
} from './client';

describe('kafkaLogCreator', () => {
  it('logs a rebalance answer to a heartbeat as routine, not as an error', () => {
    const logs = captureLogs('refresher');
    const log = kafkaLogCreator(logs.logger)();
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2020-01-01T00:00:00.000Z',
        logger: 'kafkajs',
        message: 'Response Heartbeat(key: 12, version: 3)',
        error: 'The group is rebalancing, so a rejoin is needed',
      },
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2020-01-01T00:00:00.000Z',
        logger: 'kafkajs',
        message: 'Response Produce(key: 0, version: 7)',
        error: 'The server experienced an unexpected error',
      },
    });
    expect(logs.entries.map((e) => e.level)).toEqual(['info', 'error']);
  });

  it('logs the broker asking to retry right after a transaction commit as routine', () => {
    const logs = captureLogs('refresher');
    const log = kafkaLogCreator(logs.logger)();
    const concurrent =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    for (const [namespace, message] of [
      ['Connection', 'Response AddPartitionsToTxn(key: 24, version: 1)'],
      ['Producer', 'Failed to send messages: ' + concurrent],
    ] as const) {
      log({
        namespace,
        level: logLevel.ERROR,
        label: 'ERROR',
        log: {
          timestamp: '2020-01-01T00:00:00.000Z',
          logger: 'kafkajs',
          message,
          error: concurrent,
        },
      });
    }
    expect(logs.entries.map((e) => e.level)).toEqual(['info', 'info']);
  });

  it('forwards kafkajs entries into winston at the matching level', () => {
    const logs = captureLogs('refresher');
    const log = kafkaLogCreator(logs.logger)();
    const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
      namespace: 'Connection',
      level,
      label: logLevel[level],
      log: { timestamp: '2020-01-01T00:00:00.000Z', logger: 'kafkajs', message, ...extra },
    });

    log(entry(logLevel.ERROR, 'Connection error', { broker: '127.0.0.1:59092' }));
    log(entry(logLevel.WARN, 'slow'));
    log(entry(logLevel.INFO, 'connected'));
    log(entry(logLevel.DEBUG, 'request'));

    expect(logs.entries.map((e) => [e.level, e.message])).toEqual([
      ['error', 'Connection error'],
      ['warn', 'slow'],
      ['info', 'connected'],
      ['debug', 'request'],
    ]);
    expect(logs.entries[0]).toMatchObject({
      service: 'refresher',
      component: 'kafkajs',
      namespace: 'Connection',
      broker: '127.0.0.1:59092',
    });
    // winston's timestamp, not kafkajs' one
    expect(logs.entries[0]?.timestamp).not.toBe('2020-01-01T00:00:00.000Z');
    expect(logs.entries[0]).not.toHaveProperty('logger');
  });

  it('sets the kafkajs level from the winston level', () => {
    expect(kafkaLogLevelFor('error')).toBe(logLevel.ERROR);
    expect(kafkaLogLevelFor('warn')).toBe(logLevel.WARN);
    expect(kafkaLogLevelFor('info')).toBe(logLevel.INFO);
    expect(kafkaLogLevelFor('debug')).toBe(logLevel.DEBUG);
  });
});

describe('createProducer', () => {
  const fakeKafka = () => {
    const producer = jest.fn((config: ProducerConfig) => config);
    const consumer = jest.fn((config: unknown) => config);
    return { kafka: { producer, consumer } as unknown as Kafka, producer, consumer };
  };

  it('is idempotent with one request in flight unless told otherwise', () => {
    const { kafka, producer } = fakeKafka();
    createProducer(kafka);
    createProducer(kafka, { transactionalId: 'tx-1', maxInFlightRequests: 1 });
    expect(producer.mock.calls[0]?.[0]).toMatchObject({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    expect(producer.mock.calls[1]?.[0]).toMatchObject({
      idempotent: true,
      transactionalId: 'tx-1',
    });
  });

  it('creates no kafkajs warnings (partitioner, limited retries) on a real client', () => {
    const logs = captureLogs();
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'test', logger: logs.logger });
    createProducer(kafka);
    expect(logs.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
  });
});

describe('createConsumer', () => {
  it('passes the group, never auto-creates topics and fetches in bounded amounts', () => {
    const calls: unknown[] = [];
    const kafka = { consumer: (config: unknown) => calls.push(config) } as unknown as Kafka;
    createConsumer(kafka, { groupId: 'refresher', sessionTimeout: 30_000 });
    expect(calls).toEqual([
      {
        groupId: 'refresher',
        sessionTimeout: 30_000,
        allowAutoTopicCreation: false,
        maxBytesPerPartition: 262_144,
        maxBytes: 4_194_304,
      },
    ]);
  });
});
