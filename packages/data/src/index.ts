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
export { valuesPerImage } from './image-set.js';
export { DataSourceError } from './data-source-error.js';
export {
  checkPixelRange,
  parsePixelRange,
  formatPixelRange,
  rangeMap,
  valueSpan,
  checkValuesInRange,
  unitRange,
  byteRange,
  type PixelRange,
} from './pixel-range.js';
export {
  parseNpy,
  parseNpyHeader,
  decodeNpyData,
  checkNpyLength,
  npyHeaderLength,
  halfToFloat,
  type NpyArray,
  type NpyDtype,
  type NpyHeader,
  type NumericArray,
} from './npy.js';
export { parseCifarRecords, cifarRecordBytes, cifarClassCount, type CifarVariant, type CifarLabelKind, type CifarRecords } from './cifar.js';
export { shapedValues, type ArrayInput, type NestedNumbers, type ShapedValues } from './in-memory-array.js';
export { resizeAndCrop, fitGeometry, type FitGeometry } from './image-resize.js';
export { convertChannels, channelConversion, type ChannelConversion } from './channel-conversion.js';
export { resolveLabels, parseLabelLines, parseLabelJson, type ClassLabels } from './class-labels.js';
export { ImageSetBuilder, targetShape, resizeMethod, type ImageShape, type BuilderSettings } from './image-set-builder.js';
export { imageDatasetFromArrays, imageDatasetFromArray, pixelRanges, type ArraySource } from './array-images.js';
export { describeImageDataset, type ImageDataset, type ImageDatasetDescription, type ImageDatasetOptions } from './image-dataset.js';
export { imagesTensor } from './images-tensor.js';
