/**
 * Long CPU work on a worker's event loop, in slices: the work calls `due()` between small units
 * and, when a slice has run `sliceMs`, awaits `giveBack()`, which lets the loop run timers and
 * I/O (BullMQ's lock renewal among them: a loop held longer than the lock allows loses the run's
 * job, docs/performance.md) before the work goes on.
 */
export interface LoopSlicer {
  /** The current slice has run its time. */
  due(): boolean;
  /** Let the loop run, then start a new slice. */
  giveBack(): Promise<void>;
}

export function sliceLoop(sliceMs = 25): LoopSlicer {
  let sliceStart = performance.now();
  return {
    due: () => performance.now() - sliceStart >= sliceMs,
    async giveBack() {
      // setImmediate runs after the poll phase: timers and sockets get their turn first.
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    },
  };
}

/** Run `unit` over every item, giving the loop back whenever a slice has run its time. */
export async function forEachInSlices<T>(
  items: Iterable<T>,
  slicer: LoopSlicer,
  unit: (item: T) => void,
): Promise<void> {
  for (const item of items) {
    unit(item);
    if (slicer.due()) await slicer.giveBack();
  }
}
