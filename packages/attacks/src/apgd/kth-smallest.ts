/**
 * The k-th smallest of `values` (0-based), by Hoare's selection (expected O(n), median-of-three
 * pivots); reorders `values` in place. No NaN: comparisons with it fail and the answer is undefined.
 */
export function kthSmallest(values: Float32Array, k: number): number {
  if (!(k >= 0 && k < values.length && Number.isInteger(k))) throw new RangeError(`kthSmallest: k must be an integer in [0, ${values.length}), got ${k}`);
  let low = 0;
  let high = values.length - 1;
  while (high > low) {
    const pivot = medianOfThree(values, low, (low + high) >>> 1, high);
    let i = low;
    let j = high;
    // After this, values[low..j] ≤ pivot ≤ values[i..high], and anything between equals the pivot.
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** The median of three entries, as the pivot: sorted or reversed stretches then split evenly. */
function medianOfThree(values: Float32Array, a: number, b: number, c: number): number {
  const x = values[a]!;
  const y = values[b]!;
  const z = values[c]!;
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}
