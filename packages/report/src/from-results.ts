import type { AttackEntry, InternalLayersEntry, WorstCaseEntry } from './schema/robustness.js';
import type { ImageGridBlock } from './schema/blocks.js';

// Structural views of @liftguard/attacks results, so this package needs no attack code.
interface GradientLike {
  source: string;
  declared: boolean;
}
interface AttackResultLike {
  config: { attack: { attack: string; norm: string } & Record<string, unknown>; run: object };
  epsilons: number[];
  robustAccuracy: number[] | null;
  successRate: number[];
  gradient: GradientLike;
  timings: { totalMs: number; perEpsilonMs: number[] };
}
interface WorstCaseResultLike {
  config: { attacks: ({ attack: string; norm: string } & Record<string, unknown>)[]; run: object };
  epsilons: number[];
  robustAccuracy: number[] | null;
  stages: {
    name: string;
    attacked: number[];
    robustAccuracy: number[] | null;
    timingsMs: number[];
  }[];
  gradient: GradientLike;
  timings: { totalMs: number; perEpsilonMs: number[] };
}
interface InternalLayerResultLike {
  config: { rhos: number[] } & Record<string, unknown>;
  layers: { layer: number; meanActivityNorm: number; robustAccuracy: number[] }[];
  gradient: GradientLike;
}

/** The report entry of one `runAttack` result (tensors are not copied). */
export function attackEntry(
  result: AttackResultLike,
  name = result.config.attack.attack,
): AttackEntry {
  return {
    name,
    norm: result.config.attack.norm,
    epsilons: [...result.epsilons],
    robustAccuracy: result.robustAccuracy && [...result.robustAccuracy],
    successRate: [...result.successRate],
    config: { attack: result.config.attack, run: result.config.run },
    gradient: { ...result.gradient },
    timings: { totalMs: result.timings.totalMs, perEpsilonMs: [...result.timings.perEpsilonMs] },
  };
}

/** The report entry of one `runAttacks` result; all its attacks must share a norm. */
export function worstCaseEntry(result: WorstCaseResultLike): WorstCaseEntry {
  const norms = [...new Set(result.config.attacks.map((a) => a.norm))];
  if (norms.length !== 1)
    throw new Error(`a worst case is over one threat model; got norms ${norms.join(', ')}`);
  return {
    norm: norms[0]!,
    attacks: result.stages.map((s) => s.name),
    epsilons: [...result.epsilons],
    robustAccuracy: result.robustAccuracy && [...result.robustAccuracy],
    stages: result.stages.map((s) => ({
      name: s.name,
      attacked: [...s.attacked],
      robustAccuracy: s.robustAccuracy && [...s.robustAccuracy],
      timingsMs: [...s.timingsMs],
    })),
    config: { attacks: result.config.attacks, run: result.config.run },
    gradient: { ...result.gradient },
    timings: { totalMs: result.timings.totalMs, perEpsilonMs: [...result.timings.perEpsilonMs] },
  };
}

/** The report entry of an `attackInternalLayers` result. */
export function internalLayersEntry(result: InternalLayerResultLike): InternalLayersEntry {
  return {
    rhos: [...result.config.rhos],
    layers: result.layers.map((l) => ({
      layer: l.layer,
      meanActivityNorm: l.meanActivityNorm,
      robustAccuracy: [...l.robustAccuracy],
    })),
    config: { ...result.config },
    gradient: { ...result.gradient },
  };
}

/** One example to show: clean and adversarial values (flat, row-major) and captions. */
export interface ExampleImage {
  original: ArrayLike<number>;
  adversarial: ArrayLike<number>;
  label: string;
}

// Four decimals are below what a colour scale shows and keep reports small.
const round = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * An image grid of original | perturbation | adversarial rows (perturbation on a signed scale).
 * Values are rounded to 4 decimals.
 */
export function exampleImagesBlock(
  examples: readonly ExampleImage[],
  height: number,
  width: number,
  title = 'Examples',
): ImageGridBlock {
  const size = height * width;
  return {
    type: 'image-grid',
    title,
    columns: ['original', 'perturbation', 'adversarial'],
    rows: examples.map((example) => {
      if (example.original.length !== size || example.adversarial.length !== size) {
        throw new Error(`example '${example.label}' does not hold ${height}×${width} values`);
      }
      const original = Array.from(example.original, round);
      const adversarial = Array.from(example.adversarial, round);
      return {
        label: example.label,
        images: [
          { height, width, values: original },
          {
            height,
            width,
            values: adversarial.map((v, i) => round(v - original[i]!)),
            signed: true,
          },
          { height, width, values: adversarial },
        ],
      };
    }),
  };
}
