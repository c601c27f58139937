import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { activityGradients } from './activity-gradients.js';
import { denseMap } from './dense-map.js';
import { disposeNetworkParameters } from './dense-mlp.js';
import { fenchelYoungIdentity } from './fenchel-young.js';
import { forwardPass, forwardState, preActivations, resolveLayerWeights, validateNetwork, type LiftedNetwork } from './lifted-network.js';
import { layerEnergies, reweightedPotential } from './network-potential.js';
import { parameterGradients } from './parameter-gradients.js';
import { finiteDifferenceGradient, relativeError } from './test-support/finite-differences.js';
import { interiorActivities, smallNetwork } from './test-support/small-network.js';
import { weightedDistance, weightedDistanceGradients } from './weighted-distance.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const sizes = [5, 4, 3, 2];
const gamma = [0.7, 1.3, 2];
const batch = 3;

function withNetworkParameter(network: LiftedNetwork, layer: number, name: string, value: tf.Tensor): LiftedNetwork {
  const params = network.layers[layer]!.map.parameters();
  const kernel = (name === 'kernel' ? value : params['kernel']!) as tf.Tensor2D;
  const bias = (name === 'bias' ? value : params['bias']!) as tf.Tensor1D;
  const layers = network.layers.map((l, i) => (i === layer ? { ...l, map: denseMap(kernel, bias) } : l));
  return { ...network, layers };
}

describe.each(['fenchel-young', 'least-squares'] as const)('U^γ of a %s network', (family) => {
  const random = new Random(`network ${family}`);

  it('has activity gradients that match central finite differences', () => {
    const network = smallNetwork(random, sizes, family);
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const z = interiorActivities(random, batch, sizes);
    const explicit = assertNoLeaks(() => activityGradients(network, x, z, gamma));
    z.forEach((zk, k) => {
      const fd = finiteDifferenceGradient((v) => {
        const moved = z.map((t, j) => (j === k ? (v as tf.Tensor2D) : t));
        return tf.sum(reweightedPotential(network, x, moved, gamma)) as tf.Scalar;
      }, zk);
      expect(relativeError(explicit[k]!.dataSync(), fd)).toBeLessThan(1e-2);
    });
    tf.dispose([x, ...z, ...explicit]);
    disposeNetworkParameters(network);
  });

  it('has parameter gradients that match finite differences and tf.variableGrads', () => {
    const network = smallNetwork(random, sizes, family);
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const z = interiorActivities(random, batch, sizes);
    const explicit = assertNoLeaks(() => parameterGradients(network, x, z, gamma));
    network.layers.forEach((layer, k) => {
      for (const [name, param] of Object.entries(layer.map.parameters())) {
        const fd = finiteDifferenceGradient(
          (v) => tf.sum(reweightedPotential(withNetworkParameter(network, k, name, v), x, z, gamma)) as tf.Scalar,
          param,
        );
        expect(relativeError(explicit[k]![name]!.dataSync(), fd)).toBeLessThan(1e-2);
      }
    });

    // The training path of LIFTED.md §3.2: variables in the maps, activities held constant.
    const variables = network.layers.map((layer) => ({
      kernel: tf.variable(layer.map.parameters()['kernel']!),
      bias: tf.variable(layer.map.parameters()['bias']!),
    }));
    const trainable: LiftedNetwork = {
      inputSize: network.inputSize,
      layers: network.layers.map((layer, k) => ({
        ...layer,
        map: denseMap(variables[k]!.kernel as tf.Tensor2D, variables[k]!.bias as tf.Tensor1D),
      })),
    };
    const { grads } = assertNoLeaks(() =>
      tf.variableGrads(() => tf.sum(reweightedPotential(trainable, x, z, gamma)) as tf.Scalar),
    );
    variables.forEach((v, k) => {
      expect(relativeError(grads[v.kernel.name]!.dataSync(), explicit[k]!['kernel']!.dataSync())).toBeLessThan(1e-5);
      expect(relativeError(grads[v.bias.name]!.dataSync(), explicit[k]!['bias']!.dataSync())).toBeLessThan(1e-5);
    });
    tf.dispose([x, ...z, ...explicit.flatMap((g) => Object.values(g)), ...Object.values(grads)]);
    variables.forEach((v) => tf.dispose([v.kernel, v.bias]));
    disposeNetworkParameters(network);
  });

  it('weights examples in parameter gradients as tf.variableGrads of Σ_b w_b U^γ_b does', () => {
    const network = smallNetwork(random, sizes, family);
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const z = interiorActivities(random, batch, sizes);
    const rows = tf.tensor1d([0.5, 2, 0]);
    const explicit = assertNoLeaks(() => parameterGradients(network, x, z, gamma, rows));
    const parameters = network.layers.flatMap((layer) => Object.values(layer.map.parameters()));
    const variables = parameters.map((p) => tf.variable(p));
    const byParameter = new Map(parameters.map((p, i) => [p, variables[i]!]));
    const trainable: LiftedNetwork = {
      inputSize: network.inputSize,
      layers: network.layers.map((layer) => {
        const { kernel, bias } = layer.map.parameters();
        return { ...layer, map: denseMap(byParameter.get(kernel!) as tf.Tensor2D, byParameter.get(bias!) as tf.Tensor1D) };
      }),
    };
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(reweightedPotential(trainable, x, z, gamma), rows)) as tf.Scalar);
    network.layers.forEach((layer, k) => {
      for (const [name, p] of Object.entries(layer.map.parameters())) {
        expect(relativeError(explicit[k]![name]!.dataSync(), grads[byParameter.get(p)!.name]!.dataSync())).toBeLessThan(1e-5);
      }
    });
    expect(() => parameterGradients(network, x, z, gamma, tf.ones([2]) as tf.Tensor1D)).toThrow(/exampleWeights must be \[3\]/);
    tf.dispose([x, ...z, rows, value, ...variables, ...explicit.flatMap((g) => Object.values(g)), ...Object.values(grads)]);
    disposeNetworkParameters(network);
  });

  it('given the pre-activations a_k = map_k(z_{k−1}), computes the same energies, U^γ and parameter gradients without the maps', () => {
    const network = smallNetwork(random, sizes, family);
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const z = interiorActivities(random, batch, sizes);
    const rows = tf.tensor1d([0.5, 2, 1]);
    const a = preActivations(network, x, z);
    const read = (run: (given?: tf.Tensor2D[]) => tf.Tensor[]) => (given?: tf.Tensor2D[]) =>
      assertNoLeaks(() => tf.tidy(() => run(given).map((t) => Array.from(t.dataSync()))));
    const all = read((given) => [
      ...layerEnergies(network, x, z, given),
      reweightedPotential(network, x, z, gamma, given),
      ...parameterGradients(network, x, z, gamma, rows, given).flatMap((g) => Object.values(g)),
    ]);
    expect(all(a)).toEqual(all());
    expect(() => layerEnergies(network, x, z, a.slice(1))).toThrow(/expected 3 activity tensors/);
    tf.dispose([x, ...z, ...a, rows]);
    disposeNetworkParameters(network);
  });

  it('sums γ-weighted layer energies', () => {
    const network = smallNetwork(random, sizes, family);
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const z = interiorActivities(random, batch, sizes);
    const [total, energies] = assertNoLeaks(() =>
      tf.tidy(() => [reweightedPotential(network, x, z, gamma).dataSync(), layerEnergies(network, x, z).map((e) => e.dataSync())] as const),
    );
    for (let b = 0; b < batch; b++) {
      const expected = energies.reduce((s, e, k) => s + gamma[k]! * e[b]!, 0);
      expect(Math.abs(total[b]! - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected)));
    }
    tf.dispose([x, ...z]);
    disposeNetworkParameters(network);
  });
});

describe('Fenchel-Young network', () => {
  it('has zero energy in every layer at the forward pass', () => {
    const random = new Random('forward');
    const network = smallNetwork(random, sizes, 'fenchel-young');
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const energies = assertNoLeaks(() =>
      tf.tidy(() => {
        const z = forwardPass(network, x);
        return layerEnergies(network, x, z).map((e) => Array.from(e.dataSync()));
      }),
    );
    expect(energies.flat().every((e) => e === 0)).toBe(true);
    x.dispose();
    disposeNetworkParameters(network);
  });

  it('forwardState returns the forward pass and its pre-activations a_k = map_k(z_{k−1})', () => {
    const random = new Random('forward state');
    const network = smallNetwork(random, sizes, 'fenchel-young');
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const state = assertNoLeaks(() => forwardState(network, x));
    const [z, a] = tf.tidy(() => [forwardPass(network, x), preActivations(network, x, state.activities)].map((ts) => ts.map((t) => Array.from(t.dataSync()))));
    expect(state.activities.map((t) => Array.from(t.dataSync()))).toEqual(z);
    expect(state.preActivations.map((t) => Array.from(t.dataSync()))).toEqual(a);
    tf.dispose([x, ...state.activities, ...state.preActivations]);
    disposeNetworkParameters(network);
  });
});

describe('d_γ', () => {
  it('matches its definition and has gradients that match finite differences', () => {
    const random = new Random('distance');
    const first = [random.normalTensor([2, 3]), random.normalTensor([2, 4])] as tf.Tensor2D[];
    const second = [random.normalTensor([2, 3]), random.normalTensor([2, 4])] as tf.Tensor2D[];
    const weights = [0.5, 3];
    const value = assertNoLeaks(() => weightedDistance(first, second, weights));
    const a = first.map((t) => t.arraySync());
    const b = second.map((t) => t.arraySync());
    const expected = [0, 1].map((row) =>
      a.reduce((s, layer, k) => s + (weights[k]! / 2) * layer[row]!.reduce((t, v, j) => t + (v - b[k]![row]![j]!) ** 2, 0), 0),
    );
    expect(relativeError(value.dataSync(), expected)).toBeLessThan(1e-6);
    const grads = assertNoLeaks(() => weightedDistanceGradients(first, second, weights));
    first.forEach((t, k) => {
      const fd = finiteDifferenceGradient(
        (v) => tf.sum(weightedDistance(first.map((f, j) => (j === k ? (v as tf.Tensor2D) : f)), second, weights)) as tf.Scalar,
        t,
      );
      expect(relativeError(grads[k]!.dataSync(), fd)).toBeLessThan(1e-2);
    });
    expect(() => weightedDistance(first, second, [1])).toThrow(/equally many/);
    tf.dispose([...first, ...second, value, ...grads]);
  });
});

describe('network validation', () => {
  it('refuses mismatched sizes and invalid γ', () => {
    const kernel = tf.zeros([3, 2]) as tf.Tensor2D;
    const bias = tf.zeros([2]) as tf.Tensor1D;
    const network: LiftedNetwork = { inputSize: 4, layers: [{ map: denseMap(kernel, bias), potential: fenchelYoungIdentity() }] };
    expect(() => validateNetwork(network)).toThrow(/expects input size 3/);
    const fine = { ...network, inputSize: 3 };
    expect(() => validateNetwork(fine)).not.toThrow();
    expect(() => resolveLayerWeights(fine, 0)).toThrow(/γ_1 must be a finite number > 0/);
    expect(() => resolveLayerWeights(fine, [Number.NaN])).toThrow(/γ_1/);
    expect(() => resolveLayerWeights(fine, [1, 2])).toThrow(/needs 1 layer weights/);
    expect(resolveLayerWeights(fine, 2)).toEqual([2]);
    expect(() => denseMap(kernel, tf.zeros([3]) as tf.Tensor1D)).toThrow(/kernel \[in, out\]/);
    tf.dispose([kernel, bias]);
  });
});
