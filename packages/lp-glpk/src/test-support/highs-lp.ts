import { loadHighs, type CutProblem } from '@liftguard/cutting-plane';

/**
 * Independent oracle: the same LP (min ‖d‖₁ or ‖d‖∞ s.t. A d ≤ r) written directly for HiGHS
 * (d = u − v for 'l1'; d and t for 'linf'). Returns the optimal value, or null if infeasible.
 */
export async function highsLpOptimum(problem: CutProblem): Promise<number | null> {
  const highs = await loadHighs();
  const { cuts, rhs } = problem;
  const n = cuts.columns;
  const m = cuts.length;
  const l1 = problem.objective === 'l1';
  const columns = l1 ? 2 * n : n + 1;
  const inf = highs.infinity;
  const rowsOut: number[][] = [];
  const upper: number[] = [];
  for (let i = 0; i < m; i++) {
    const row = new Array<number>(columns).fill(0);
    for (let p = 0; p < n; p++) {
      row[p] = cuts.rows[i]![p]!;
      if (l1) row[n + p] = -cuts.rows[i]![p]!;
    }
    rowsOut.push(row);
    upper.push(rhs[i]!);
  }
  if (!l1) {
    for (let p = 0; p < n; p++) {
      const plus = new Array<number>(columns).fill(0);
      plus[p] = 1;
      plus[n] = -1;
      const minus = new Array<number>(columns).fill(0);
      minus[p] = -1;
      minus[n] = -1;
      rowsOut.push(plus, minus);
      upper.push(0, 0);
    }
  }
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of rowsOut) {
    row.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    starts.push(indices.length);
  }
  const cost = l1 ? new Array<number>(columns).fill(1) : [...new Array<number>(n).fill(0), 1];
  const lower = l1 ? new Array<number>(columns).fill(0) : [...new Array<number>(n).fill(-inf), 0];
  const model = highs.createModel();
  try {
    model.options.set({ output_flag: false });
    model.passModel({
      numCols: columns,
      numRows: rowsOut.length,
      colCost: cost,
      colLower: lower,
      colUpper: new Array<number>(columns).fill(inf),
      rowLower: new Array<number>(rowsOut.length).fill(-inf),
      rowUpper: upper,
      matrix: { format: 'csr', numRows: rowsOut.length, numCols: columns, starts, indices, values },
    });
    const { modelStatus } = model.run();
    // HiGHS model status codes: 7 optimal, 8 infeasible.
    if (modelStatus === 8) return null;
    if (modelStatus !== 7) throw new Error(`HiGHS status ${modelStatus}`);
    return model.getObjectiveValue();
  } finally {
    model.dispose();
  }
}
