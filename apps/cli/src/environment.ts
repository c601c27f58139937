import * as tf from '@tensorflow/tfjs-core';
import type { Environment } from '@liftguard/report';
import { nodeEnvironment } from '@liftguard/report/node';

/** The environment block of every report this CLI writes: the active backend and the package versions. */
export function reportEnvironment(): Environment {
  return nodeEnvironment(tf.getBackend());
}
