import type { Logger } from 'winston';
import { refreshFlowOf, type ApiRouterDeps } from './router';
import type { ApiStore } from './store';

const deps: ApiRouterDeps = {
  store: {} as ApiStore,
  publisher: { publish: () => Promise.resolve() },
  logger: {} as Logger,
};

describe('refreshFlowOf', () => {
  it('waits 6 s for a claim, looks every 50 ms and takes one over after 30 s by default', () => {
    expect(refreshFlowOf(deps)).toMatchObject({
      now: Date.now,
      claimWaitMs: 6_000,
      claimPollMs: 50,
      claimTimeoutMs: 30_000,
    });
  });

  it('keeps what the caller set', () => {
    const now = () => 5;
    const flow = refreshFlowOf({ ...deps, now, claimWaitMs: 1, claimPollMs: 2, claimTimeoutMs: 3 });
    expect(flow).toMatchObject({ now, claimWaitMs: 1, claimPollMs: 2, claimTimeoutMs: 3 });
    expect(flow.store).toBe(deps.store);
  });
});
