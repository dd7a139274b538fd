import type { Change } from '@bgs/domain';
import type { RefreshRequestRecord } from '@bgs/platform';

/** What the routing step reads: a change from CDC or a webhook, or a user's refresh request. */
export type RoutedInput =
  | {
      readonly type: 'change';
      readonly change: Change;
      /** When ingress received it, for a provider's change (a webhook); epoch ms. */
      readonly receivedAt?: number;
    }
  | { readonly type: 'request'; readonly request: RefreshRequestRecord };
