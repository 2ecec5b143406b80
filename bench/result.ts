/** One figure of `npm run bench`: what `bench-results.json` holds, one per measurement. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The target, in the same unit: a ceiling, or a floor with `atLeast`. */
  target: number;
  /** The figure must reach the target (a ratio), not stay under it. */
  atLeast?: boolean;
  /**
   * The machine's 1-minute load average when the figure was taken (`npm run bench` stamps
   * it): on a shared 2-core machine a figure means little without it.
   */
  load?: number;
}
