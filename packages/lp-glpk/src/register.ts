// Side-effect entry point: `import '@liftguard/lp-glpk/register'` adds the GLPK repair solvers.
import { registerGlpkSolvers } from './glpk-solver-definitions.js';

registerGlpkSolvers();
