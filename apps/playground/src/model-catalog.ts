/** The models shipped under public/models (made by scripts/make-models.mjs). */
export interface ShippedModel {
  readonly id: string;
  readonly title: string;
  /** MLPs trained as lifted networks expose their hidden layers to internal-layer attacks. */
  readonly lifted: boolean;
  /** Trained with a squared loss on one-hot targets: the outputs are scores, so their softmax is flat. */
  readonly squaredOutputs: boolean;
}

export const shippedModels: readonly ShippedModel[] = [
  { id: 'mlp-bp', title: 'MLP, backprop', lifted: false, squaredOutputs: true },
  { id: 'mlp-arovr', title: 'Lifted MLP, AROVR', lifted: true, squaredOutputs: true },
  { id: 'cnn-light', title: 'CNNLight', lifted: false, squaredOutputs: false },
  { id: 'cnn-light-repaired', title: 'CNNLight, repaired', lifted: false, squaredOutputs: false },
];
