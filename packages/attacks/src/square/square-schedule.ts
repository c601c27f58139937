/**
 * The fraction p of pixels a square covers at iteration `it` (Andriushchenko et al. 2020): p_init
 * halved at iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 of 10,000, the schedule
 * rescaled to the query budget as in the reference code.
 */
export function squareFraction(iteration: number, budget: number, pInit: number): number {
  const it = Math.trunc((iteration / budget) * 10_000);
  const halvings = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000].filter((at) => it > at).length;
  return pInit / 2 ** halvings;
}

/** Python's round(): halves go to the even neighbour (the reference code's rounding). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The side of the square for fraction p of an h×w×c image (L∞: at least 1; L2 and L1: odd, at least 3). */
export function squareSide(
  p: number,
  layout: { height: number; width: number; channels: number },
  norm: 'linf' | 'l2' | 'l1',
): number {
  const features = layout.height * layout.width * layout.channels;
  let side = roundHalfEven(Math.sqrt((p * features) / layout.channels));
  if (norm === 'linf') side = Math.max(side, 1);
  else {
    side = Math.max(side, 3);
    if (side % 2 === 0) side++;
  }
  return Math.max(1, Math.min(side, layout.height, layout.width));
}
