export * from './headers';
export * from './failure';
export * from './transactional-producers';
export * from './stage-consumer';
export * from './stage-metrics';
export * from './avro-decoder';
export * from './newest-work';
export * from './dead-letters';
