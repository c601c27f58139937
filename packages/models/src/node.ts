// Node-only helpers (file system): kept out of the main entry so browser bundles never see node:fs.
export { saveClassifier, saveClassifierFolder, loadClassifier, manifestFileName, type SavedModel } from './model-files.js';
export { loadPytorchSafetensors } from './pytorch-safetensors-file.js';
export { directoryCheckpoint, type DirectoryCheckpointOptions } from './directory-checkpoint.js';
export { loadLayersModelFile, loadLayersModelClassifierFile, loadGraphModelClassifierFile, saveTfjsModel, type SaveTfjsOptions } from './tfjs-model-files.js';
