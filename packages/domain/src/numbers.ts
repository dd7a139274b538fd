/** Scores are stored as numeric(4,2): round once, at the edge, so stored and computed agree. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
