/** Where the build puts the compiled loops library, relative to dist/: one file per platform and CPU. */
export function loopsLibraryFile(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const extension = platform === 'darwin' ? 'dylib' : platform === 'win32' ? 'dll' : 'so';
  return `native/${platform}-${arch}/liftguard-loops.${extension}`;
}
