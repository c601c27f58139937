export { enableBlas, disableBlas, blasStatus, setBlasThreads, blasKernels, type BlasStatus, type EnableBlasOptions } from './enable-blas.js';
export { loadBlasLibrary, candidateLibraries, type BlasLibrary, type BlasLoadFailure, type Sgemm } from './blas-library.js';
export { convUsesBlas, minOutputPixels, minPatchTimesChannels } from './conv2d-kernels.js';
