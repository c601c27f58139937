/** What every benchmark suite gets: where to write, and how to time things. */
export interface BenchContext {
  /** Repository root (docs/ lives here). */
  root: string;
  /** Arguments after the suite name. */
  args: string[];
  /** True for a short run (CI smoke, `--quick`). */
  quick: boolean;
}

/** A benchmark suite: `apps/bench/src/suites/<name>.ts` exports `suite`. */
export interface BenchSuite {
  name: string;
  description: string;
  run(context: BenchContext): Promise<void>;
}
