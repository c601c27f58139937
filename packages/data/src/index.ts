export {
  parseIdx,
  parseIdxHeader,
  readIdxFile,
  readIdxHeader,
  encodeIdx,
  isGzip,
  maxIdxBytes,
  IdxFormatError,
  type IdxArray,
  type IdxType,
  type IdxHeader,
  type IdxReadOptions,
  type RowRange,
} from './idx.js';
export {
  locateDataset,
  datasetNames,
  debianFashionMnistDir,
  howToObtain,
  DatasetNotFoundError,
  type DatasetName,
  type DatasetFiles,
  type LocateOptions,
} from './locate-dataset.js';
export {
  loadDataset,
  loadImageSet,
  imageSetFromIdx,
  sliceImageSet,
  type ImageSet,
  type Dataset,
  type LoadOptions,
} from './image-set.js';
export { experimentSplits, splitSizes, type ExperimentSplits, type SplitOptions } from './experiment-splits.js';
export { loadExperimentSplits, type LoadSplitsOptions, type LoadedExperimentSplits } from './load-splits.js';
export { oneHot } from './one-hot.js';
export {
  BatchIterator,
  imageSetTensors,
  type Batch,
  type BatchIteratorOptions,
  type ImageLayout,
} from './batch-iterator.js';
