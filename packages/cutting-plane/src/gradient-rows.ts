import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { MarginConstraint } from './margin-constraints.js';

/**
 * ∇_w (z_wrongClass − z_label) at the variables' current values, one float32 row per
 * constraint (flattened like `readParameters`). One backward pass on a batch of one per
 * row; every intermediate tensor is freed.
 */
export function marginGradientRows(
  classifier: Classifier,
  variables: readonly tf.Variable[],
  x: tf.Tensor,
  constraints: readonly MarginConstraint[],
): Float32Array[] {
  return constraints.map(({ example, label, wrongClass }) =>
    gradientRow(variables, () => {
      const coefficients = new Float32Array(classifier.numClasses);
      coefficients[wrongClass] = 1;
      coefficients[label] = -1;
      const logits = classifier.predict(tf.slice(x, example, 1));
      return tf.sum(tf.mul(logits, tf.tensor2d(coefficients, [1, classifier.numClasses])));
    }),
  );
}

/** ∇_w of a scalar function of the variables, flattened into one float32 row. */
export function gradientRow(
  variables: readonly tf.Variable[],
  scalar: () => tf.Scalar,
): Float32Array {
  const flat = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(scalar, [...variables]);
    value.dispose();
    // A variable the output does not depend on gets no gradient: its row entries are 0.
    return tf.concat(variables.map((v) => tf.reshape(grads[v.name] ?? tf.zeros(v.shape), [-1])));
  });
  const row = Float32Array.from(flat.dataSync() as Float32Array);
  flat.dispose();
  return row;
}
