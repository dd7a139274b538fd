/** The roles a person can hold in a buyer group. */
export const BUYER_GROUP_ROLES = [
  'decision_maker',
  'champion',
  'influencer',
  'technical_evaluator',
  'blocker',
  'end_user',
] as const;
export type BuyerGroupRole = (typeof BUYER_GROUP_ROLES)[number];
