/** One figure of `npm run bench`: what `bench-results.json` holds, one per measurement. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The target, in the same unit: a ceiling, or a floor with `atLeast`. */
  target: number;
  /** The figure must reach the target (a ratio), not stay under it. */
  atLeast?: boolean;
}
