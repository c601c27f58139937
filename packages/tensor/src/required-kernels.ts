/** A tfjs kernel the LiftGuard packages rely on, and whether they differentiate through it. */
export interface RequiredKernel {
  kernel: string;
  usedFor: string;
  /** The packages take gradients through this kernel. */
  needsGradient: boolean;
}

/**
 * Every kernel the LiftGuard packages run (forward) or differentiate (backward). The
 * capability report and the conformance suite are both driven by this list.
 */
export const requiredKernels: readonly RequiredKernel[] = [
  { kernel: 'BatchMatMul', usedFor: 'dense layers, potentials, cut gradients', needsGradient: true },
  // tf.fused.matMul differentiates itself (customGrad), so no registry gradient is needed.
  { kernel: '_FusedMatMul', usedFor: 'dense layers with bias (and ReLU) in one kernel', needsGradient: false },
  { kernel: 'Conv2D', usedFor: 'conv layers', needsGradient: true },
  { kernel: 'Conv2DBackpropInput', usedFor: 'input gradients through conv layers (attacks)', needsGradient: false },
  { kernel: 'Conv2DBackpropFilter', usedFor: 'training conv layers', needsGradient: false },
  { kernel: 'Add', usedFor: 'biases, residuals', needsGradient: true },
  { kernel: 'AddN', usedFor: 'gradient accumulation', needsGradient: false },
  { kernel: 'Sub', usedFor: 'potentials, margins', needsGradient: true },
  { kernel: 'Multiply', usedFor: 'weighting, masks', needsGradient: true },
  { kernel: 'RealDiv', usedFor: 'normalization, damping', needsGradient: true },
  { kernel: 'Neg', usedFor: 'adversarial signs', needsGradient: true },
  { kernel: 'Maximum', usedFor: 'hinge terms', needsGradient: true },
  { kernel: 'Minimum', usedFor: 'clipping', needsGradient: true },
  { kernel: 'ClipByValue', usedFor: 'input bounds, clipped ReLU', needsGradient: true },
  { kernel: 'Relu', usedFor: 'activations', needsGradient: true },
  { kernel: 'Step', usedFor: 'ReLU gradient', needsGradient: false },
  { kernel: 'Exp', usedFor: 'softmax, cross-entropy', needsGradient: true },
  { kernel: 'Log', usedFor: 'cross-entropy', needsGradient: true },
  { kernel: 'Sqrt', usedFor: 'norms', needsGradient: true },
  { kernel: 'Square', usedFor: 'squared losses and potentials', needsGradient: true },
  { kernel: 'SquaredDifference', usedFor: 'layer energies', needsGradient: true },
  { kernel: 'Abs', usedFor: 'L1 norms', needsGradient: true },
  { kernel: 'Sign', usedFor: 'FGSM steps', needsGradient: false },
  { kernel: 'Sum', usedFor: 'reductions', needsGradient: true },
  { kernel: 'Mean', usedFor: 'batch averages', needsGradient: true },
  { kernel: 'Max', usedFor: 'margins, log-sum-exp', needsGradient: true },
  { kernel: 'ArgMax', usedFor: 'predictions', needsGradient: false },
  { kernel: 'Softmax', usedFor: 'probabilities', needsGradient: true },
  { kernel: 'Reshape', usedFor: 'flatten', needsGradient: true },
  { kernel: 'Transpose', usedFor: 'layout conversions', needsGradient: true },
  { kernel: 'PadV2', usedFor: 'explicit conv padding', needsGradient: true },
  { kernel: 'Slice', usedFor: 'batches, layer views', needsGradient: true },
  { kernel: 'Concat', usedFor: 'concatenation', needsGradient: true },
  { kernel: 'Pack', usedFor: 'stacking scalars for one read-back (tf.stack)', needsGradient: false },
  { kernel: 'GatherV2', usedFor: 'batch selection, label logits', needsGradient: true },
  { kernel: 'UnsortedSegmentSum', usedFor: 'gradient of gather', needsGradient: false },
  { kernel: 'OneHot', usedFor: 'labels', needsGradient: false },
  { kernel: 'Select', usedFor: 'masked updates (where)', needsGradient: true },
  { kernel: 'Greater', usedFor: 'masks', needsGradient: false },
  { kernel: 'Less', usedFor: 'masks', needsGradient: false },
  { kernel: 'Equal', usedFor: 'accuracy', needsGradient: false },
  { kernel: 'Cast', usedFor: 'dtype conversions', needsGradient: true },
  { kernel: 'Fill', usedFor: 'constants', needsGradient: false },
  { kernel: 'ZerosLike', usedFor: 'initial states', needsGradient: false },
  { kernel: 'IsNan', usedFor: 'input validation', needsGradient: false },
];
