// A loss defined the way a downstream repository would: only public imports, no edits here.
import * as tf from '@tensorflow/tfjs-core';
import { gradientsOf, type LossDefinition } from '@liftguard/losses';

export interface MarginHingeOptions {
  margin?: number;
}

/** Multi-class hinge: mean over examples of Σ_{j≠y} max(0, margin + z_j − z_y). */
export const marginHinge: LossDefinition<MarginHingeOptions> = {
  name: 'margin-hinge',
  description: 'multi-class hinge loss on the logits',
  create({ margin = 1 }) {
    if (!(margin > 0)) throw new Error(`margin-hinge: margin must be > 0, got ${margin}`);
    return {
      name: 'margin-hinge',
      config: { margin },
      compute(model, batch) {
        const { value, grads } = gradientsOf(model, () =>
          tf.tidy(() => {
            const z = model.predict(batch.x);
            const correct = tf.sum(tf.mul(z, batch.oneHot), 1, true);
            const slack = tf.relu(tf.add(tf.sub(z, correct), tf.mul(tf.sub(1, batch.oneHot), margin)));
            return tf.mean(tf.sum(slack, 1)) as tf.Scalar;
          }),
        );
        return { value, grads, diagnostics: {} };
      },
    };
  },
};
