export * from './levels';
export * from './roles';
