import type { LifecyclePart } from './lifecycle';

/**
 * Something a service opens at start-up and closes on shutdown; when it has a `check`,
 * the service is ready only while the check passes.
 */
export interface ServiceResource extends LifecyclePart {
  /** Resolves while the resource is usable, rejects with the reason when not. */
  check?(): Promise<void>;
}
