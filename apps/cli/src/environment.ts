import { tensorEnvironment } from '@liftguard/tensor';
import type { Environment } from '@liftguard/report';
import { nodeEnvironment, reportedPackages } from '@liftguard/report/node';

/** The environment block of every report this CLI writes: backend, BLAS library, package versions. */
export function reportEnvironment(): Environment {
  const tensor = tensorEnvironment();
  return { ...nodeEnvironment(tensor.backend, [...reportedPackages, '@liftguard/tensor-blas']), blas: tensor.blas };
}
