export type { Classifier } from '@liftguard/tensor';
export type { LayerSpec, DenseLayer, Conv2dLayer, ReluLayer, FlattenLayer, Conv2dPadding, ModelSpec } from './layer-spec.js';
export { resolveSpec, ModelSpecError, type ResolvedSpec, type ResolvedLayer, type ParameterInfo } from './resolve-spec.js';
export { initialValues, initializations, type Initialization } from './initializers.js';
export { SequentialClassifier, type CreateOptions } from './sequential-classifier.js';
export { mlp, mlpSpec, cnnLight, cnnLightSpec, cnn, cnnSpec, twoConvSpec, type BuildOptions } from './builders.js';
export {
  serializeClassifier,
  deserializeClassifier,
  checkManifestVersion,
  sha256Hex,
  modelFormatVersion,
  modelFormatName,
  weightsFileName,
  ModelFormatError,
  type ModelManifest,
} from './model-format.js';
export type { CheckpointSink } from './checkpoint-sink.js';
export {
  layersModelClassifier,
  assertLogitsOutput,
  LayersModelError,
  type LayersModelLike,
  type LayersModelClassifier,
  type LayersModelClassifierOptions,
  type LayerLike,
  type LayerVariableLike,
  type SymbolicTensorLike,
} from './layers-model-classifier.js';
export { logitsHead, type LogitsHead } from './logits-head.js';
export { compileForward } from './layers-forward.js';
export { withInputSpace, resolveInputRange, namedInputRanges, InputSpaceError, type InputSpace, type InputRangeName } from './input-space.js';
export { functionClassifier, type FunctionClassifierOptions } from './function-classifier.js';
export {
  loadLayersModelClassifier,
  layersModelFromArtifacts,
  toTfjsLayersModel,
  exportLayersModel,
  sequentialToLayersModel,
  checkLayersModelJson,
  concatenateShards,
  weightsByteLength,
  type TfjsModelJson,
  type TfjsModelArtifacts,
  type TfjsExport,
} from './tfjs-artifacts.js';
export { parseSafetensors, encodeSafetensors, SafetensorsError, type NamedTensor } from './safetensors.js';
export { importPytorchWeights, oihwToHwio, type PytorchImportOptions } from './pytorch-import.js';
export { exportPytorchWeights, exportPytorchSafetensors, hwioToOihw, type PytorchExportOptions, type PytorchTensor } from './pytorch-export.js';
export {
  classificationLoss,
  classificationLosses,
  lossNames,
  registerClassificationLoss,
  type ClassificationLoss,
  type LossName,
} from './losses.js';
export { adam, sgd, type Optimizer, type AdamOptions, type SgdOptions } from './optimizers.js';
export { accuracy, type LabeledExamples } from './labeled-examples.js';
export { trainClassifier, type TrainOptions, type TrainResult, type TrainingEvent, type EpochRecord, type BatchObjective } from './train-classifier.js';
export { repairableLayers, selectRepairParameters, type RepairableLayer, type RepairLayerSelection, type RepairParameters } from './repair-layers.js';
export { graphModelClassifier, GraphModelError, type GraphModelLike, type GraphModelClassifier, type GraphModelClassifierOptions, type GraphNodeLike } from './graph-model-classifier.js';
export { describeClassifier, type ClassifierDescription } from './describe-classifier.js';
