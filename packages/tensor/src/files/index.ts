// Node-only file safety shared by the packages and the CLI (`@liftguard/tensor/files`): never imported by the main entry, so browser bundles never see node:fs.
export { FileSafetyError, describeFileError } from './file-error.js';
export { makeFolder, refusePseudoFileSystem } from './pseudo-file-system.js';
export { openRegularFile, readFileBounded, readTextBounded, defaultMaxFileBytes, type BoundedReadOptions } from './bounded-read.js';
export { gunzipBounded, checkPromisedInflation, gzipBombError, maxInflatedBytes, isGzipBytes } from './bounded-gunzip.js';
export { writeFileAtomic, replaceFolderAtomically, type FolderReplacement } from './atomic-write.js';
export { acquireOutputLock, lockPathFor, type OutputLock, type LockOwner } from './output-lock.js';
export { existingResult, refuseExistingResult } from './existing-result.js';
