import * as tf from '@tensorflow/tfjs-core';
import { initBackend, probeBackends, type BackendStatus } from '../backend.js';
import { Random } from '../random.js';
import { conformanceCases, type ConformanceCase, type InputSpec } from './cases.js';

export interface CaseResult {
  case: string;
  backend: string;
  /** ‖value − reference‖∞ / ‖reference‖∞ (0 on the reference backend). */
  valueError: number;
  /** Same for the gradients of every float input (null when not differentiable). */
  gradientError: number | null;
  /** max |finite difference − gradient| / max(1, ‖gradient‖∞) over sampled coordinates. */
  finiteDifferenceError: number | null;
  passed: boolean;
}

export interface ConformanceReport {
  reference: string;
  tolerance: number;
  finiteDifferenceTolerance: number;
  backends: BackendStatus[];
  results: CaseResult[];
}

export interface ConformanceOptions {
  /** Backends to check (default: every available one). */
  backends?: string[];
  /** Cross-backend relative error bound (default 1e-4). */
  tolerance?: number;
  /** Finite-difference bound (default 1e-2: float32 central differences). */
  finiteDifferenceTolerance?: number;
  /** Coordinates sampled per input for finite differences (default 4). */
  coordinatesPerInput?: number;
  cases?: ConformanceCase[];
  seed?: number;
  /** Passed to `initBackend` (browser bundles that have not initialized wasm yet). */
  wasmPaths?: string | Record<string, string>;
}

interface Outputs {
  value: Float32Array;
  gradients: Float32Array[] | null;
  finiteDifferenceError: number | null;
}

function inputValues(spec: InputSpec, rng: Random): Float32Array | Int32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.domain ?? 'normal') {
    case 'normal':
      return rng.normalArray(size);
    case 'positive':
      return rng.uniformArray(size, 0.5, 2);
    case 'awayFromZero':
      return rng.uniformArray(size, 0.2, 1.5).map((v) => (rng.next() < 0.5 ? -v : v));
    case 'distinct': // spacing 0.1 keeps ties and near-ties (kinks of max/maximum) away
      return Float32Array.from(rng.permutation(size), (i) => (i - size / 2) * 0.1 + 0.01 * rng.next());
    case 'labels':
      return Int32Array.from({ length: size }, () => rng.int(spec.classes ?? 2));
  }
}

function isFloat(values: Float32Array | Int32Array): values is Float32Array {
  return values instanceof Float32Array;
}

function relativeError(a: ArrayLike<number>, reference: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  if (a.length !== reference.length) return Infinity;
  return scale === 0 ? diff : diff / scale;
}

function computeOutputs(
  testCase: ConformanceCase,
  inputs: (Float32Array | Int32Array)[],
  rng: Random,
  coordinates: number,
): Outputs {
  const make = (values: Float32Array | Int32Array, i: number) =>
    tf.tensor(values, testCase.inputs[i]!.shape, isFloat(values) ? 'float32' : 'int32');
  let outputs: Outputs | undefined;
  tf.tidy(() => {
    outputs = measure();
  });
  return outputs!;

  function measure(): Outputs {
    const xs = inputs.map(make);
    const out = testCase.fn(...xs);
    const value = Float32Array.from(out.dataSync());
    if (!testCase.differentiable) return { value, gradients: null, finiteDifferenceError: null };
    const weights = tf.tensor(rng.normalArray(out.size), out.shape, 'float32');
    const floatIndices = inputs.flatMap((v, i) => (isFloat(v) ? [i] : []));
    const loss = (...floats: tf.Tensor[]) => {
      const all = xs.slice();
      floatIndices.forEach((index, k) => (all[index] = floats[k]!));
      return tf.sum(tf.mul(testCase.fn(...all), weights));
    };
    const grads = tf.grads(loss)(floatIndices.map((i) => xs[i]!));
    const gradients = grads.map((g) => Float32Array.from(g.dataSync()));
    let worst = 0;
    floatIndices.forEach((index, k) => {
      const base = inputs[index] as Float32Array;
      const scale = Math.max(1, ...gradients[k]!.map(Math.abs));
      for (let c = 0; c < Math.min(coordinates, base.length); c++) {
        const at = rng.int(base.length);
        const h = 1e-2;
        const evaluate = (delta: number) =>
          tf.tidy(() => {
            const shifted = base.slice();
            shifted[at]! += delta;
            const floats = floatIndices.map((j) => (j === index ? make(shifted, j) : xs[j]!));
            return loss(...floats).dataSync()[0]!;
          });
        const fd = (evaluate(h) - evaluate(-h)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - gradients[k]![at]!) / scale);
      }
    });
    return { value, gradients, finiteDifferenceError: worst };
  }
}

/**
 * Runs every conformance case on each backend: values and gradients must agree with the
 * reference backend (cpu) and gradients with central finite differences.
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const tolerance = options.tolerance ?? 1e-4;
  const fdTolerance = options.finiteDifferenceTolerance ?? 1e-2;
  const cases = options.cases ?? conformanceCases;
  const seed = options.seed ?? 7;
  const previous = tf.getBackend();
  const statuses = await probeBackends();
  const available = statuses.filter((s) => s.available).map((s) => s.name as string);
  const names = options.backends ?? available;
  const reference = available.includes('cpu') ? 'cpu' : names[0]!;
  const order = [reference, ...names.filter((n) => n !== reference)];
  const inputs = cases.map((c) => c.inputs.map((spec) => inputValues(spec, new Random(seed).fork(c.name))));
  const byBackend = new Map<string, Outputs[]>();
  for (const name of order) {
    await initBackend({ backend: name, quiet: true, wasmPaths: options.wasmPaths });
    byBackend.set(
      name,
      cases.map((c, i) => computeOutputs(c, inputs[i]!, new Random(seed + 1).fork(c.name), options.coordinatesPerInput ?? 4)),
    );
  }
  if (previous) await initBackend({ backend: previous, quiet: true });
  const results: CaseResult[] = [];
  const referenceOutputs = byBackend.get(reference)!;
  for (const name of names) {
    byBackend.get(name)!.forEach((outputs, i) => {
      const expected = referenceOutputs[i]!;
      const valueError = relativeError(outputs.value, expected.value);
      const gradientError =
        outputs.gradients && expected.gradients
          ? Math.max(...outputs.gradients.map((g, k) => relativeError(g, expected.gradients![k]!)))
          : null;
      const fd = outputs.finiteDifferenceError;
      results.push({
        case: cases[i]!.name,
        backend: name,
        valueError,
        gradientError,
        finiteDifferenceError: fd,
        passed: valueError < tolerance && (gradientError ?? 0) < tolerance && (fd ?? 0) < fdTolerance,
      });
    });
  }
  return { reference, tolerance, finiteDifferenceTolerance: fdTolerance, backends: statuses, results };
}
