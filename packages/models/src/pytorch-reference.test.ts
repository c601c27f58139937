import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync } from '@liftguard/tensor';
import { expect, it } from 'vitest';
import { cnnLightSpec } from './builders.js';
import { loadPytorchSafetensors } from './pytorch-safetensors-file.js';
import { describeWithTorch, python } from './test-support/pytorch.js';
import { maxAbsDiff } from './test-support/reference-forward.js';
import { pytorchCnnLight } from './test-support/pytorch-cnn-light.js';


// PyTorch itself builds CNNLight, writes its state_dict as safetensors (by hand: torch 1.13
// has no writer), and runs the forward pass; the import must reproduce its logits.
const script = String.raw`
import json, struct, sys, torch, torch.nn as nn
torch.manual_seed(0)
torch.set_num_threads(1)
${pytorchCnnLight}
model = CNNLight()
header, blobs, offset = {}, [], 0
for name, t in sorted(model.state_dict().items()):
    data = t.detach().contiguous().numpy().astype('<f4').tobytes()
    header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
    blobs.append(data); offset += len(data)
text = json.dumps(header).encode()
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<Q', len(text))); f.write(text); f.write(b''.join(blobs))
x = torch.rand(3, 1, 28, 28)
with torch.no_grad():
    print(json.dumps({'x': x.flatten().tolist(), 'logits': model(x).tolist()}))
`;

describeWithTorch('PyTorch import against PyTorch itself', () => {
  it('CNNLight weights saved by PyTorch give PyTorch logits', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'liftguard-torch-')), 'cnn_light.safetensors');
    const run = spawnSync(python, ['-c', script, path], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(run.status, run.stderr).toBe(0);
    const { x, logits } = JSON.parse(run.stdout) as { x: number[]; logits: number[][] };
    await assertNoLeaksAsync(async () => {
      const model = await loadPytorchSafetensors(path, cnnLightSpec(), { layerNames: ['conv1', 'conv2', 'fc1', 'fc2'] });
      // One channel, so NCHW and NHWC images have the same element order.
      const input = tf.tensor(x, [3, 28, 28, 1]);
      const ours = model.predict(input);
      const got = ours.arraySync();
      for (let n = 0; n < 3; n++) expect(maxAbsDiff(got[n]!, logits[n]!)).toBeLessThan(1e-4);
      tf.dispose([input, ours]);
      model.dispose();
    });
  });
});
