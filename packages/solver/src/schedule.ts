/**
 * Which layers a round updates, in order: the default top-down sweep L..1 (the authors'),
 * bottom-up 1..L, alternating (top-down on odd rounds), or a function of the round number.
 */
export type Schedule = 'top-down' | 'bottom-up' | 'alternating' | ((round: number, layerCount: number) => readonly number[]);

/** The layer order (1-based) of round `round` (1-based); validates custom schedules. */
export function layerOrder(schedule: Schedule, round: number, layerCount: number): number[] {
  const down = Array.from({ length: layerCount }, (_, i) => layerCount - i);
  if (schedule === 'top-down') return down;
  if (schedule === 'bottom-up') return down.reverse();
  if (schedule === 'alternating') return round % 2 === 1 ? down : down.reverse();
  if (typeof schedule !== 'function') throw new Error(`unknown schedule '${String(schedule)}'`);
  const order = [...schedule(round, layerCount)];
  for (const k of order) {
    if (!Number.isInteger(k) || k < 1 || k > layerCount) {
      throw new Error(`schedule returned layer ${k} in round ${round}; layers are 1..${layerCount}`);
    }
  }
  return order;
}
