import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { cnnLight } from './builders.js';
import { exportPytorchSafetensors } from './pytorch-export.js';
import { describeWithTorch, python } from './test-support/pytorch.js';
import { maxAbsDiff } from './test-support/reference-forward.js';
import { pytorchCnnLight } from './test-support/pytorch-cnn-light.js';


// PyTorch itself loads our export into its own CNNLight (strict load_state_dict; the file read
// by hand, as torch 1.13 has no safetensors reader) and runs the forward pass on the given images.
const script = String.raw`
import json, struct, sys, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1)
${pytorchCnnLight}
raw = open(sys.argv[1], 'rb').read()
(length,) = struct.unpack('<Q', raw[:8])
header = json.loads(raw[8:8 + length])
state = {k: torch.from_numpy(np.frombuffer(raw, '<f4', (v['data_offsets'][1] - v['data_offsets'][0]) // 4, 8 + length + v['data_offsets'][0]).reshape(v['shape']).copy())
         for k, v in header.items() if k != '__metadata__'}
model = CNNLight()
model.load_state_dict(state)
x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float32).reshape(-1, 1, 28, 28)
with torch.no_grad():
    print(json.dumps(model(x).tolist()))
`;

describeWithTorch('PyTorch export against PyTorch itself', () => {
  it('CNNLight exported to safetensors gives our logits in a PyTorch CNNLight', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-torch-export-'));
    try {
      const model = cnnLight({ seed: 4 });
      const path = join(dir, 'cnn_light.safetensors');
      writeFileSync(path, exportPytorchSafetensors(model, { layerNames: ['conv1', 'conv2', 'fc1', 'fc2'] }));
      const input = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 11);
      const ours = tf.tidy(() => model.predict(input).arraySync());
      // One channel, so NCHW and NHWC images have the same element order.
      const run = spawnSync(python, ['-c', script, path, JSON.stringify(Array.from(input.dataSync()))], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
      input.dispose();
      model.dispose();
      expect(run.status, run.stderr).toBe(0);
      const theirs = JSON.parse(run.stdout) as number[][];
      for (let n = 0; n < 3; n++) expect(maxAbsDiff(ours[n]!, theirs[n]!)).toBeLessThan(1e-4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
