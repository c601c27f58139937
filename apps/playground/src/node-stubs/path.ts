// The browser stand-in for node:path, which @liftguard/models' file helpers import: joins with '/'.
export function join(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}
