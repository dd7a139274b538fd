import type { Change } from '@bgs/domain';
import type { RefreshRequestRecord } from '@bgs/platform';

/**
 * What the routing step reads: a row change from CDC, or a user's refresh request. Webhooks
 * are routed at the door (ingress), so they never come this way.
 */
export type RoutedInput =
  | { readonly type: 'change'; readonly change: Change }
  | { readonly type: 'request'; readonly request: RefreshRequestRecord };
