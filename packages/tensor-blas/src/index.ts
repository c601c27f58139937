export { enableBlas, disableBlas, blasStatus, setBlasThreads, blasKernels, compiledLoops, type BlasStatus, type EnableBlasOptions } from './enable-blas.js';
export { loadBlasLibrary, candidateLibraries, type BlasLibrary, type BlasLoadFailure, type Sgemm } from './blas-library.js';
export { loadDnnlLibrary, candidateDnnlLibraries, type DnnlLibrary, type DnnlLoadFailure, type ConvGeometry, type ConvActivation } from './dnnl-library.js';
export { dnnlKernels } from './dnnl-conv-kernels.js';
export { convUsesBlas, minOutputPixels, minPatchTimesChannels } from './conv2d-kernels.js';
export { loadLoopsLibrary, type LoopsLibrary, type LoopsLoadFailure, type LinfMomentumStep, type FabProjection, type AdamStep } from './loops-library.js';
export { adamStepKernelName, type AdamStepAttrs } from './adam-kernel.js';
export { maxAbsDifferencesKernelName } from './max-abs-differences-kernel.js';
export { gramPowerIterationsKernelName } from './gram-power-iterations-kernel.js';
