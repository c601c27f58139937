/**
 * Padding of a conv2d layer: tfjs's 'valid' / 'same', a symmetric number of pixels on every
 * side (PyTorch's `padding=p`), or explicit [top, bottom, left, right].
 */
export type Conv2dPadding = 'valid' | 'same' | number | readonly [number, number, number, number];

/** A fully connected layer: y = x W + b with W of shape [in, units]. */
export interface DenseLayer {
  readonly type: 'dense';
  readonly units: number;
  /** Default true. */
  readonly useBias?: boolean;
}

/** A 2-D convolution on NHWC inputs with a kernel of shape [kh, kw, in, filters]. */
export interface Conv2dLayer {
  readonly type: 'conv2d';
  readonly filters: number;
  readonly kernelSize: number | readonly [number, number];
  /** Default 1. */
  readonly strides?: number | readonly [number, number];
  /** Default 'valid'. */
  readonly padding?: Conv2dPadding;
  /** Default true. */
  readonly useBias?: boolean;
}

export interface ReluLayer {
  readonly type: 'relu';
}

/** Flattens [h, w, c] (NHWC order) to [h·w·c]. */
export interface FlattenLayer {
  readonly type: 'flatten';
}

export type LayerSpec = DenseLayer | Conv2dLayer | ReluLayer | FlattenLayer;

/** A feed-forward classifier: per-example input shape ([784] or [28, 28, 1]) and its layers; the last one gives the logits. */
export interface ModelSpec {
  readonly inputShape: readonly number[];
  readonly layers: readonly LayerSpec[];
}
