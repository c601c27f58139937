const side = 28;

/**
 * A canvas to draw a digit on with mouse, pen or touch. `read()` gives 28×28 pixels in [0, 1]
 * like MNIST (white stroke on black); `show(pixels)` puts an image on it to draw over.
 */
export class DrawingPad {
  private drawing = false;
  private readonly context: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
  ) {
    this.context = canvas.getContext('2d', { willReadFrequently: true })!;
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      canvas.setPointerCapture(e.pointerId);
      this.stroke(e);
    });
    canvas.addEventListener('pointermove', (e) => this.drawing && this.stroke(e));
    const stop = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.onChange();
    };
    canvas.addEventListener('pointerup', stop);
    canvas.addEventListener('pointercancel', stop);
  }

  clear(): void {
    this.context.fillStyle = 'black';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  show(pixels: Float32Array): void {
    const small = document.createElement('canvas');
    small.width = side;
    small.height = side;
    const image = small.getContext('2d')!.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const grey = Math.round(255 * pixels[i]!);
      image.data.set([grey, grey, grey, 255], 4 * i);
    }
    small.getContext('2d')!.putImageData(image, 0, 0);
    this.context.imageSmoothingEnabled = false;
    this.context.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
  }

  /** Box-averages the canvas down to 28×28 (a stroke ~2 MNIST pixels wide). */
  read(): Float32Array {
    const { width, height } = this.canvas;
    const data = this.context.getImageData(0, 0, width, height).data;
    const out = new Float32Array(side * side);
    const cell = width / side;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        out[Math.floor(y / cell) * side + Math.floor(x / cell)]! += data[4 * (y * width + x)]! / 255;
      }
    }
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, out[i]! / (cell * cell));
    return out;
  }

  private stroke(e: PointerEvent): void {
    const box = this.canvas.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * this.canvas.width;
    const y = ((e.clientY - box.top) / box.height) * this.canvas.height;
    this.context.fillStyle = 'white';
    this.context.beginPath();
    this.context.arc(x, y, this.canvas.width / 14, 0, 2 * Math.PI);
    this.context.fill();
  }
}
