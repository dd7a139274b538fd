/**
 * The demo's building blocks that the load harness (`bench/`) reuses, so that the bench makes
 * the same changes, on the same dataset, and matches them to saved groups the same way. The
 * command itself is `main.ts` (`./bgs demo`).
 */
export { generateDataset, WORKSPACES } from './dataset/dataset';
export type { Dataset } from './dataset/rows';
export { loadDataset } from './db/load';
export { stackEndpoints, type StackEndpoints } from './endpoints';
