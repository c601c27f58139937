import { describe, expect, it } from 'vitest';
import { cnnLight } from './builders.js';
import { layersModelClassifier } from './layers-model-classifier.js';
import { repairableLayers, selectRepairParameters } from './repair-layers.js';
import { everyLayerModel } from './test-support/vision-models.js';

describe('repair layer selection', () => {
  it('SequentialClassifier: default is the last dense layer, counts from the layer shapes', () => {
    const model = cnnLight({ seed: 1 });
    expect(repairableLayers(model).map((l) => `${l.name}:${l.className}`)).toEqual(['layers.0:conv2d', 'layers.2:conv2d', 'layers.5:dense', 'layers.7:dense']);
    const last = selectRepairParameters(model);
    expect(last.layers).toEqual(['layers.7']);
    expect(last.parameterCount).toBe(50 * 10 + 10);
    expect(last.totalParameterCount).toBe(41008);
    expect(selectRepairParameters(model, { lastDenseLayers: 2 }).parameterCount).toBe(784 * 50 + 50 + 510);
    expect(selectRepairParameters(model, { layers: ['layers.0'] }).parameterCount).toBe(3 * 3 * 1 * 8 + 8);
    expect(selectRepairParameters(model, { variables: ['layers.7.bias'] })).toMatchObject({ layers: ['layers.7'], parameterCount: 10 });
    expect(() => selectRepairParameters(model, { lastDenseLayers: 3 })).toThrow(/lastDenseLayers is 3 but the classifier has 2 dense layer\(s\): layers\.5, layers\.7/);
    expect(() => selectRepairParameters(model, { layers: ['fc9'] })).toThrow(/no trainable layer named 'fc9'; trainable layers: layers\.0, layers\.2, layers\.5, layers\.7/);
  });

  it('wrapped LayersModel: layers by their tfjs names; the softmax head layer is the default', () => {
    const model = everyLayerModel('softmax', 5);
    const classifier = layersModelClassifier(model);
    const head = selectRepairParameters(classifier);
    expect(head.layers).toEqual([classifier.logits.layer]);
    expect(head.parameterCount).toBe(12 * 5 + 5);
    const group = selectRepairParameters(classifier, { lastDenseLayers: 2 });
    expect(group.parameterCount).toBe(12 * 5 + 5 + group.variables[0]!.shape[0]! * 12 + 12);
    const everything = repairableLayers(classifier).reduce((s, l) => s + l.parameterCount, 0);
    expect(everything).toBe(head.totalParameterCount);
    model.dispose();
  });
});
