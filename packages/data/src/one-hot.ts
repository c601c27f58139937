/** One-hot rows [labels.length, numClasses] as float32, row-major. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new Error(`label ${y} at index ${i} is not a class in 0..${numClasses - 1}`);
    out[i * numClasses + y] = 1;
  }
  return out;
}
