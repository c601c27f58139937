import { SingleBar } from 'cli-progress';

/** Where a command's results and progress go, honouring --json, --quiet and TTYs. */
export class Output {
  /** The data of the last `result` call (for commands run in-process by other commands). */
  lastResult: unknown;

  constructor(
    readonly json: boolean,
    readonly quiet: boolean,
    private readonly interactive = Boolean(process.stderr.isTTY),
    /** Keep results (lastResult) without printing them. */
    private readonly silent = false,
  ) {}

  /** Human-readable lines on stdout (suppressed under --json). */
  text(line = ''): void {
    if (!this.json) process.stdout.write(line + '\n');
  }

  /** The command's result: JSON under --json, else the given text rendering. */
  result(data: unknown, render: () => string): void {
    this.lastResult = data;
    if (this.silent) return;
    process.stdout.write(this.json ? JSON.stringify(data, null, 2) + '\n' : render() + '\n');
  }

  /** Status lines on stderr, unless --quiet or --json. */
  note(line: string): void {
    if (!this.quiet && !this.json) process.stderr.write(line + '\n');
  }

  /**
   * A progress bar with ETA on stderr when it is a terminal; otherwise occasional plain
   * lines (or nothing when quiet), so logs and pipes stay clean.
   */
  progress(label: string, total: number): Progress {
    if (this.quiet || this.json) return { update: () => undefined, stop: () => undefined };
    if (this.interactive) {
      const bar = new SingleBar({
        format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}`,
        stream: process.stderr,
        hideCursor: true,
      });
      bar.start(total, 0, { status: '' });
      return { update: (value, status = '') => bar.update(value, { status }), stop: () => bar.stop() };
    }
    // One line at the start too, so a log shows what is running before the first quarter is done.
    process.stderr.write(`${label}: 0/${total}\n`);
    let lastPercent = 0;
    return {
      update: (value, status = '') => {
        const percent = Math.floor((100 * value) / Math.max(1, total));
        if (percent >= lastPercent + 25 || value === total) {
          lastPercent = percent;
          process.stderr.write(`${label}: ${value}/${total}${status ? ` ${status}` : ''}\n`);
        }
      },
      stop: () => undefined,
    };
  }
}

export interface Progress {
  update(value: number, status?: string): void;
  stop(): void;
}
