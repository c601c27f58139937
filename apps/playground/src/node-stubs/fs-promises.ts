// The browser stand-in for node:fs/promises, which @liftguard/models' file helpers import: the page never calls them.
function unavailable(name: string): never {
  throw new Error(`node:fs/promises.${name} is not available in the browser: fetch the files and use deserializeClassifier`);
}

export const mkdir = () => unavailable('mkdir');
export const readFile = () => unavailable('readFile');
export const rename = () => unavailable('rename');
export const rm = () => unavailable('rm');
export const writeFile = () => unavailable('writeFile');
