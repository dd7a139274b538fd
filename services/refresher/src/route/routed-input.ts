import type { Change } from '@bgs/domain';
import type { RefreshRequestRecord } from '@bgs/platform';

/** What the routing step reads: a change from CDC or a webhook, or a user's refresh request. */
export type RoutedInput =
  | { readonly type: 'change'; readonly change: Change }
  | { readonly type: 'request'; readonly request: RefreshRequestRecord };
