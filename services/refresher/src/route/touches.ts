/**
 * The routing step's logic: which companies a change or a refresh request touches and why, as
 * CompanyTouch records. Pure; the stage around it decodes inputs and encodes outputs. Webhooks
 * are routed at the door (ingress) by the same domain rule, `changeTouches`.
 */
import { changeTouches, parseEnrichmentLevel } from '@bgs/domain';
import { changeTouchRecord, type CompanyTouchRecord } from '@bgs/platform';
import type { RoutedInput } from './routed-input';

export interface RouteOptions {
  readonly backfill: boolean;
}

export function touchesFor(input: RoutedInput, options: RouteOptions): CompanyTouchRecord[] {
  if (input.type === 'change') return changeTouches(input.change, options).map(changeTouchRecord);
  const { request } = input;
  return [
    {
      companyId: request.companyId,
      level: parseEnrichmentLevel(request.level) ?? null,
      reason: request.reason ? `refresh requested: ${request.reason}` : 'refresh requested',
      triggeredBy: `api:${request.requestId}`,
      origins: [{ ref: `api:${request.requestId}`, occurredAt: request.requestedAt }],
      cooldownElapsed: false,
    },
  ];
}
