/** A file operation failed or was refused: one plain sentence that names the path. */
export class FileSafetyError extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** The errno code behind it (ENOENT, EACCES…) or a refusal code (ELOCKED, EEXISTS, ENOTREGULAR, ETOOLARGE, EBOMB, EPSEUDOFS). */
    readonly code: string,
    /** The message without the action and path, e.g. "it does not exist", for callers that add their own prefix. */
    readonly reason: string = message,
  ) {
    super(message);
    this.name = 'FileSafetyError';
  }
}

/** What each errno means, as the end of a sentence that starts with the path. */
const errnoSentences: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'is not accessible: permission denied',
  EPERM: 'is not accessible: operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'has a part that is a file, not a folder',
  ENOSPC: 'cannot be written: the disk is full',
  EDQUOT: 'cannot be written: the disk quota is exhausted',
  EEXIST: 'already exists',
  EROFS: 'cannot be written: the file system is read-only',
  ENAMETOOLONG: 'has a name that is too long',
  ELOOP: 'has too many levels of symbolic links',
  EMFILE: 'cannot be opened: too many open files',
  ENFILE: 'cannot be opened: too many open files in the system',
  EBUSY: 'is busy (in use by another process)',
  ENOTEMPTY: 'is a folder that is not empty',
  EXDEV: 'cannot be moved across file systems',
  EIO: 'cannot be read or written: input/output error (failing disk or network drive?)',
  EINVAL: 'cannot be used here: invalid argument',
  ETXTBSY: 'is busy (a running program)',
};

/**
 * Turns a Node file-system error into one plain sentence naming `path`, e.g.
 * "cannot write /x/model.json: /x has a part that is a file, not a folder".
 * `action` is what was being done ("read", "write", "create the folder"…).
 */
export function describeFileError(error: unknown, path: string, action: string): FileSafetyError {
  if (error instanceof FileSafetyError) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'EUNKNOWN';
  const sentence = errnoSentences[code];
  const detail = sentence ?? `failed (${code}: ${firstLine((error as Error)?.message ?? String(error))})`;
  return new FileSafetyError(path, `cannot ${action} ${path}: it ${detail}`, code, `it ${detail}`);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}
