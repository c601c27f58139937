# The PyTorch peer of the autoattack suite: APGD-CE (L-inf) written from Algorithm 1 of Croce & Hein
# (ICML 2020), as in packages/attacks/src/apgd/apgd-pytorch.test.ts (checkpoints ceil(p_j*N), the
# paper's strict "<" in condition 1, start on the eps-sphere), on CNNLight with the weights LiftGuard
# exported and the same MNIST test images. Only clean-correct images are attacked, as in AutoAttack.
# No PyTorch AutoAttack package is installable offline here, so only this stage has a peer.
import json, math, struct, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg['threads'])


def load_safetensors(path):
    # The format by hand (as attacks.py): 8-byte little-endian header length, JSON header, data.
    raw = open(path, 'rb').read()
    (length,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + length])
    state = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        assert entry['dtype'] == 'F32', entry['dtype']
        begin, end = entry['data_offsets']
        values = np.frombuffer(raw, dtype='<f4', count=(end - begin) // 4, offset=8 + length + begin)
        state[name] = torch.from_numpy(values.copy().reshape(entry['shape']))
    return state


class CnnLight(nn.Module):
    # CUTTING_PLANE.md section 5: conv 1-8 3x3 s2 p1, ReLU, conv 8-16 3x3 s2 p1, ReLU, flatten, 784-50, ReLU, 50-10.
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 2, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 2, 1)
        self.fc1 = nn.Linear(784, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def apgd_ce(model, x, y, eps, N, rho=0.75, alpha=0.75):
    """Returns a bool tensor: the attack reached a misclassification for each row."""
    def project(z):
        return torch.min(torch.max(z, x - eps), x + eps).clamp(0.0, 1.0)

    def evaluate(z):
        z = z.clone().requires_grad_(True)
        logits = model(z)
        loss = F.cross_entropy(logits, y, reduction='none')
        grad, = torch.autograd.grad(loss.sum(), z)
        return loss.detach(), grad, logits.detach().argmax(1) != y

    p = [0.0, 0.22]
    while p[-1] < 1:
        p.append(p[-1] + max(p[-1] - p[-2] - 0.03, 0.06))
    checkpoints = sorted({math.ceil(q * N - 1e-9) for q in p[1:] if math.ceil(q * N - 1e-9) <= N})
    u = 2 * torch.rand_like(x) - 1
    x0 = project(x + eps * u / u.flatten(1).abs().amax(1).view(-1, 1, 1, 1))
    f, g, broken = evaluate(x0)
    losses = [f]
    x_prev, x_cur = x0.clone(), x0.clone()
    f_max, x_max = f.clone(), x0.clone()
    eta = torch.full((x.shape[0], 1, 1, 1), 2 * eps)
    last_w, f_max_last = 0, f_max.clone()
    reduced_last = torch.ones_like(f, dtype=torch.bool)
    for k in range(N):
        a = 1.0 if k == 0 else alpha
        z = project(x_cur + eta * g.sign())
        x_next = project(x_cur + a * (z - x_cur) + (1 - a) * (x_cur - x_prev))
        f, g, wrong = evaluate(x_next)
        broken |= wrong
        better = f > f_max
        x_max[better] = x_next[better]
        f_max = torch.where(better, f, f_max)
        losses.append(f)
        x_prev, x_cur = x_cur, x_next
        if k + 1 in checkpoints:
            window = k + 1 - last_w
            increases = sum((losses[i + 1] > losses[i]).float() for i in range(last_w, k + 1))
            reduce = (increases < rho * window) | ((~reduced_last) & (f_max <= f_max_last))
            eta[reduce] /= 2
            x_cur = torch.where(reduce.view(-1, 1, 1, 1), x_max, x_cur)
            if reduce.any():
                _, g_best, _ = evaluate(x_cur)
                g = torch.where(reduce.view(-1, 1, 1, 1), g_best, g)
            reduced_last, f_max_last, last_w = reduce, f_max.clone(), k + 1
    return broken


files = cfg['files']
count = cfg['count']
x_test = torch.from_numpy(read_idx(files['testImages'])[:count].astype(np.float32) / 255).unsqueeze(1)
y_test = torch.from_numpy(read_idx(files['testLabels'])[:count].astype(np.int64))
model = CnnLight()
model.load_state_dict(load_safetensors(cfg['weights']))  # strict: every tensor present with its PyTorch shape
model.eval()
for param in model.parameters():
    param.requires_grad_(False)


def evaluation(eps):
    # Clean pass, APGD-CE on the clean-correct images, robust accuracy: what runAttack does.
    with torch.no_grad():
        correct = model(x_test).argmax(1) == y_test
    index = correct.nonzero().flatten()
    broken = apgd_ce(model, x_test[index], y_test[index], eps, cfg['steps'])
    return (correct.sum().item() - broken.sum().item()) / count


with torch.no_grad():
    clean = model(x_test).argmax(1)
rows = []
for eps in cfg['epsilons']:
    row = {'epsilon': eps}
    for threads, key in ((cfg['threads'], ''), (1, 'oneThread')):
        torch.set_num_threads(threads)
        torch.manual_seed(cfg['seed'])
        start = time.perf_counter()
        robust = evaluation(eps)
        row[(key + 'Ms') if key else 'ms'] = (time.perf_counter() - start) * 1000
        row[(key + 'RobustAccuracy') if key else 'robustAccuracy'] = robust
    rows.append(row)
print(json.dumps({
    'torch': torch.__version__,
    'threads': cfg['threads'],
    'cleanAccuracy': (clean == y_test).float().mean().item(),
    'cleanPredictions': clean.tolist(),
    'rows': rows,
}))
