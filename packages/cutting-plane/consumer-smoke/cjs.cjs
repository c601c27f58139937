// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const { CutMatrix, DualQpSolver } = require('@liftguard/cutting-plane');

// Two orthogonal violated cuts: the projection moves along both, λ_i = −r_i/‖a_i‖².
const cuts = new CutMatrix(3, [Float32Array.of(1, 0, 0), Float32Array.of(0, 2, 0)]);
const { x, duals, stats } = new DualQpSolver().solveSync({ cuts, rhs: Float64Array.of(-1, -2) });
if (x[0] !== -1 || x[1] !== -1 || x[2] !== 0) throw new Error(`wrong step ${x}`);
if (duals[0] !== 1 || duals[1] !== 0.5 || !stats.kkt.ok) throw new Error(`wrong duals ${duals}`);
console.log('cjs ok');
