export * from './config';
export * from './connector';
export * from './connect-client';
export * from './progress';
export * from './provision';
export * from './schemas';
export * from './topics';
