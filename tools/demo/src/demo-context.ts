/** What a demo run works with, shared by its phases (demo.ts, demo-traffic.ts). */
import type { Pool } from 'pg';
import type { DemoOptions } from './args';
import type { Dataset } from './dataset/rows';
import type { StackEndpoints } from './endpoints';

export interface DemoContext {
  readonly options: DemoOptions;
  readonly dataset: Dataset;
  readonly endpoints: StackEndpoints;
  readonly pool: Pool;
  readonly webhookSecret: string;
  /** Aborted on Ctrl-C or SIGTERM: stop, then print the summary. */
  readonly signal: AbortSignal;
}
