import { marginViolations } from '@liftguard/tensor';

/**
 * 'max': one constraint per example, max_{j≠y} z_j − z_y + δ ≤ 0 (cut on the arg-max class);
 * 'perClass': one per wrong class j, z_j − z_y + δ ≤ 0.
 */
export type ConstraintForm = 'max' | 'perClass';

/** One margin constraint g = z_wrongClass − z_label + δ ≤ 0 on example `example`. */
export interface MarginConstraint {
  example: number;
  label: number;
  wrongClass: number;
  /** g at the point it was evaluated (δ included). */
  value: number;
}

/** The constraints of the chosen form at given logits. */
export function marginConstraints(
  logits: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
  margin: number,
  form: ConstraintForm,
): MarginConstraint[] {
  const out: MarginConstraint[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const own = logits[i * numClasses + label]!;
    let best = -1;
    for (let j = 0; j < numClasses; j++) {
      if (j === label) continue;
      const value = logits[i * numClasses + j]! - own + margin;
      if (form === 'perClass') out.push({ example: i, label, wrongClass: j, value });
      else if (best < 0 || value > out[out.length - 1]!.value) {
        if (best >= 0) out.pop();
        out.push({ example: i, label, wrongClass: j, value });
        best = j;
      }
    }
  }
  return out;
}

/** Per-example violation max(0, max_{j≠y} z_j − z_y + δ). */
export function exampleViolations(
  logits: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
  margin: number,
): Float64Array {
  return marginViolations(logits, labels, numClasses).map((v) => Math.max(0, v + margin));
}
