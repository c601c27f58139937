// Node-only readers (they use node:fs and node:zlib); the browser build imports '@liftguard/data' only.
export {
  loadImageDataset,
  registerImageSourceReader,
  imageSourceReaders,
  type ImageSourceReader,
  type SourceProbe,
  type ImageSource,
} from './load-image-dataset.js';
export { readImageFolder, imageExtensions, defaultMaxPixels } from './image-folder.js';
export { decodeImage, imageHeader, imageFormatOf, type DecodedImage, type ImageFormat, type ImageHeader } from './image-decode.js';
export { readNpyFile, readNpzArray, npzArrayNames, type NpyReadOptions } from './npy-file.js';
export { readNpySource, readNpzSource } from './numpy-source.js';
export { ZipArchive, crc32, type ZipEntry } from './zip-archive.js';
export { readCifar, locateCifar, cifarVariantOfFile } from './cifar-source.js';
export { readIdxSource, readIdxImagesFile } from './idx-source.js';
export { readLabelValues, readClassNames } from './label-files.js';
export { RegularFile, withRegularFile, readRegularFile, defaultMaxBytes } from './regular-file.js';
