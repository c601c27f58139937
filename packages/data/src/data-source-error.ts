/** A data source (file, folder or array) cannot be used: names the source and what is wrong with it. */
export class DataSourceError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'DataSourceError';
  }
}
