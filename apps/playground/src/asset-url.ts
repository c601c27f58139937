/** URL of a file under public/, relative to the page so the build works from any path. */
export function assetUrl(path: string): string {
  return new URL(path, document.baseURI).href;
}
