# The PyTorch peer of the attacks suite. It loads CNNLight's weights exported by LiftGuard
# (exportPytorchSafetensors) into the same architecture and times FGSM and L∞ PGD on the same
# MNIST test images with the same semantics (uniform random start, step 2.5ε/steps, projection
# onto the ε-box and [0, 1] every step, cross-entropy on logits). Input: one JSON argument.
import json, struct, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.manual_seed(cfg['seed'])
torch.set_num_threads(cfg['threads'])


def load_safetensors(path):
    try:
        from safetensors.torch import load_file
        return load_file(path), 'safetensors.torch.load_file'
    except ImportError:
        pass
    # The format by hand: 8-byte little-endian header length, JSON header, little-endian data.
    raw = open(path, 'rb').read()
    (length,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + length])
    dtypes = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2'}
    state = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        begin, end = entry['data_offsets']
        values = np.frombuffer(raw, dtype=dtypes[entry['dtype']], count=(end - begin) // np.dtype(dtypes[entry['dtype']]).itemsize, offset=8 + length + begin)
        state[name] = torch.from_numpy(values.astype(np.float32).reshape(entry['shape']))
    return state, 'a hand-written reader (struct + numpy; the safetensors package is not installed)'


files = cfg['files']
count = cfg['count']
x_test = torch.from_numpy(read_idx(files['testImages'])[:count].astype(np.float32) / 255).unsqueeze(1)
y_test = torch.from_numpy(read_idx(files['testLabels'])[:count].astype(np.int64))


class CnnLight(nn.Module):
    # CUTTING_PLANE.md §5: conv 1→8 3×3 s2 p1, ReLU, conv 8→16 3×3 s2 p1, ReLU, flatten, 784→50, ReLU, 50→10.
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 2, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 2, 1)
        self.fc1 = nn.Linear(784, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def pgd(model, x, y, eps, steps, step_size, random_start):
    adv = x.clone()
    if random_start:
        adv = (adv + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y, reduction='sum')
        grad, = torch.autograd.grad(loss, adv)
        with torch.no_grad():
            moved = adv + step_size * grad.sign()
            adv = (x + (moved - x).clamp(-eps, eps)).clamp(0, 1)
    return adv.detach()


def predictions(model, x):
    with torch.no_grad():
        return model(x).argmax(1)


def timed(fn, repeats):
    times, result = [], None
    fn()  # warm-up
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1000, result


state, reader = load_safetensors(cfg['weights'])
model = CnnLight()
model.load_state_dict(state)  # strict: every tensor present with its PyTorch shape
model.eval()
for p in model.parameters():
    p.requires_grad_(False)

clean = predictions(model, x_test)
eps, steps = cfg['epsilon'], cfg['steps']
run_fgsm = lambda: pgd(model, x_test, y_test, eps, 1, eps, False)
run_pgd = lambda: pgd(model, x_test, y_test, eps, steps, 2.5 * eps / steps, True)
fgsm_ms, fgsm_adv = timed(run_fgsm, cfg['repeats'])
pgd_ms, pgd_adv = timed(run_pgd, cfg['repeats'])
# Also single-threaded, like tfjs's wasm backend in Node.
torch.set_num_threads(1)
fgsm_one_ms, _ = timed(run_fgsm, cfg['repeats'])
pgd_one_ms, _ = timed(run_pgd, cfg['repeats'])
torch.set_num_threads(cfg['threads'])
accuracy = lambda adv: (predictions(model, adv) == y_test).float().mean().item()
print(json.dumps({
    'torch': torch.__version__,
    'threads': cfg['threads'],
    'weightsReader': reader,
    'cleanAccuracy': (clean == y_test).float().mean().item(),
    'cleanPredictions': clean.tolist(),
    'fgsm': {'ms': fgsm_ms, 'oneThreadMs': fgsm_one_ms, 'robustAccuracy': accuracy(fgsm_adv)},
    'pgd': {'ms': pgd_ms, 'oneThreadMs': pgd_one_ms, 'robustAccuracy': accuracy(pgd_adv)},
}))
