export {
  initBackend,
  probeBackends,
  knownBackends,
  backendPreference,
  BackendUnavailableError,
  type BackendName,
  type BackendInfo,
  type BackendStatus,
  type InitBackendOptions,
} from './backend.js';
export {
  capabilityReport,
  formatCapabilityReport,
  type CapabilityReport,
  type KernelCapability,
} from './capabilities.js';
export { tensorEnvironment, type TensorEnvironment } from './environment.js';
export { type BlasSummary } from './blas.js';
export { registerGradients, applyGradientOverrides } from './gradients.js';
export {
  installFallbacks,
  installedFallbacks,
  uninstallFallbacks,
  type InstalledFallback,
} from './kernels/install-fallbacks.js';
export { installCorrections, installedCorrections, uninstallCorrections, kernelCorrections } from './kernels/kernel-corrections.js';
export { toInputTensor, assertInputShape, InputShapeError, type InputLike } from './input-tensor.js';
export { requiredKernels, type RequiredKernel } from './required-kernels.js';
export {
  assertNoLeaks,
  assertNoLeaksAsync,
  tensorCounts,
  TensorLeakError,
  TensorScope,
  withTensorScope,
  replace,
  type TensorCounts,
} from './memory.js';
export { Random, type Seed } from './random.js';
export { maxAbsDifferences } from './max-abs-differences.js';
export { gramPowerIterations } from './gram-power-iterations.js';
export { linfProjectedStep } from './linf-projected-step.js';
export { conformanceCases, type ConformanceCase, type InputSpec, type InputDomain } from './conformance/cases.js';
export {
  runConformance,
  type ConformanceOptions,
  type ConformanceReport,
  type CaseResult,
} from './conformance/run-conformance.js';
export type { Classifier } from './classifier.js';
export {
  accuracy,
  argMaxRows,
  crossEntropyRows,
  marginViolations,
  predictClasses,
  predictLogits,
} from './classifier-evaluation.js';
export {
  allowedRange,
  describeOptions,
  entryLabel,
  Registry,
  RegistryError,
  validateOptions,
  type OptionSchema,
  type Registrable,
  type RegistrySettings,
} from './registry.js';
export { nativeLoops, setNativeLoops, type NativeLoops, type LinfMomentumStep, type FabProjection, type FabCombine } from './native-loops.js';
