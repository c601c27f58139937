import { spawnSync } from 'node:child_process';

const python = '/usr/bin/python3';

/**
 * True when /usr/bin/python3 can import numpy (the independent writer of the .npy/.npz
 * fixtures). Under CI=true a missing numpy is an error, so that the round trips never
 * silently stop running.
 */
export function numpyAvailable(): boolean {
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
  const ok = probe.status === 0;
  if (!ok && process.env['CI'] === 'true') {
    throw new Error(`numpy is required for the .npy/.npz round-trip tests under CI (${python} -c 'import numpy' failed: ${probe.stderr ?? probe.error?.message}); install python3-numpy`);
  }
  return ok;
}

/** Runs a Python script (numpy imported as np, `out` the fixture directory). */
export function runNumpy(script: string, out: string): void {
  const run = spawnSync(python, ['-c', `import numpy as np, os, sys\nout = sys.argv[1]\n${script}`, out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 fixture script failed: ${run.stderr}`);
}

/** The value of the known test array at flat C-order index i, per dtype (the same formulas as numpyValuesScript). */
export function knownValue(dtype: string, i: number): number {
  switch (dtype) {
    case 'bool':
      return i % 3 === 0 ? 1 : 0;
    case 'uint8':
      return (i * 37 + 11) % 256;
    case 'int8':
      return ((i * 37 + 11) % 256) - 128;
    case 'uint16':
      return (i * 1237) % 65536;
    case 'int16':
      return ((i * 1237) % 65536) - 32768;
    case 'uint32':
      return i * 70001 + 4_000_000_000 - 60 * 70001;
    case 'int32':
      return i * 100003 - 2 ** 30;
    case 'uint64':
      return i * 2 ** 40 + 7;
    case 'int64':
      return i * 2 ** 40 - 2 ** 52;
    case 'float16':
      return (i % 64) / 8 - 4;
    case 'float32':
      return (i - 20) / 16;
    case 'float64':
      return (i - 20) / 3;
    default:
      throw new Error(`no known values for ${dtype}`);
  }
}

/** Python: `known(dtype, n)` builds the same values as `knownValue`. */
export const numpyValuesScript = `
def known(dtype, n):
    i = np.arange(n, dtype=np.int64)
    f = {
        'bool': lambda: i % 3 == 0,
        'uint8': lambda: (i * 37 + 11) % 256,
        'int8': lambda: (i * 37 + 11) % 256 - 128,
        'uint16': lambda: (i * 1237) % 65536,
        'int16': lambda: (i * 1237) % 65536 - 32768,
        'uint32': lambda: i * 70001 + 4000000000 - 60 * 70001,
        'int32': lambda: i * 100003 - 2 ** 30,
        'uint64': lambda: i * 2 ** 40 + 7,
        'int64': lambda: i * 2 ** 40 - 2 ** 52,
        'float16': lambda: (i % 64) / 8 - 4,
        'float32': lambda: (i - 20) / 16,
        'float64': lambda: (i - 20) / 3,
    }[dtype]()
    return f.astype(dtype)
`;
