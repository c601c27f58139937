const side = 28;

/** Draws 28×28 pixels in [0, 1] as white-on-black, scaled to the canvas without smoothing. */
export function drawGrayImage(canvas: HTMLCanvasElement, pixels: Float32Array): void {
  drawMapped(canvas, pixels, (v) => v);
}

/** Draws a signed perturbation with grey = 0 and the largest |δ| at black/white. */
export function drawPerturbation(canvas: HTMLCanvasElement, delta: Float32Array): void {
  let largest = 0;
  for (const d of delta) largest = Math.max(largest, Math.abs(d));
  drawMapped(canvas, delta, (d) => (largest === 0 ? 0.5 : 0.5 + d / (2 * largest)));
}

function drawMapped(canvas: HTMLCanvasElement, values: Float32Array, toUnit: (v: number) => number): void {
  const small = document.createElement('canvas');
  small.width = side;
  small.height = side;
  const image = small.getContext('2d')!.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const grey = Math.round(255 * Math.min(1, Math.max(0, toUnit(values[i] ?? 0))));
    image.data.set([grey, grey, grey, 255], 4 * i);
  }
  small.getContext('2d')!.putImageData(image, 0, 0);
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}
