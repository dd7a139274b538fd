/**
 * What a stage's handler sees and returns: the record shapes shared by the consumer loop
 * (stage-consumer.ts), its decoders and its per-record spans, in a module of their own so none
 * of those imports the loop.
 */
import type { HeaderMap } from './headers';
import type { TransactionalRecord } from './transactional-producers';

export interface RawMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: HeaderMap;
}

/** Turns a raw message into the handler's input; `undefined` means nothing to do (a tombstone). */
export type Decoder<T> = (message: RawMessage) => Promise<T | undefined> | T | undefined;

export interface StageRecord<T> {
  /** The topic it was first consumed from, also when it comes back from a retry tier. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  readonly headers: HeaderMap;
  readonly timestamp: number;
  /** Failed deliveries before this one. */
  readonly attempt: number;
}

export type OutputRecord = TransactionalRecord;

export type StageHandler<T> = (
  records: readonly StageRecord<T>[],
) => Promise<readonly OutputRecord[]>;
