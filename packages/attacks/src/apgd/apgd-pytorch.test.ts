import { it } from 'vitest';
import { expectPyTorchAgreement } from '../test-support/mlp-cross-check.js';
import { describeWithTorch } from '../test-support/pytorch.js';
import { apgd } from './apgd.js';

// APGD-CE (L∞) written here from Algorithm 1 of Croce & Hein (ICML 2020), not from either
// implementation: checkpoints w_j = ⌈p_j·N⌉ with p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06),
// condition 1 with the paper's strict "<", the gradient recomputed at every iterate.
const script = String.raw`
import json, math, sys, torch
import torch.nn.functional as F
torch.set_num_threads(1)
data = json.load(sys.stdin)
torch.manual_seed(data['seed'])
sizes = data['sizes']
W = [torch.tensor(w, dtype=torch.float32).view(sizes[l], sizes[l + 1]) for l, w in enumerate(data['weights'])]
B = [torch.tensor(b, dtype=torch.float32) for b in data['biases']]
def model(z):
    for l, (w, b) in enumerate(zip(W, B)):
        z = z @ w + b
        if l < len(W) - 1:
            z = torch.relu(z)
    return z
x = torch.tensor(data['x'], dtype=torch.float32).view(-1, sizes[0])
y = torch.tensor(data['labels'])
eps, N, rho, alpha = data['epsilon'], data['steps'], 0.75, 0.75
def project(z):
    return torch.min(torch.max(z, x - eps), x + eps).clamp(0.0, 1.0)
def evaluate(z):
    z = z.clone().requires_grad_(True)
    logits = model(z)
    loss = F.cross_entropy(logits, y, reduction='none')
    grad, = torch.autograd.grad(loss.sum(), z)
    return loss.detach(), grad, logits.argmax(1) != y
p = [0.0, 0.22]
while p[-1] < 1:
    p.append(p[-1] + max(p[-1] - p[-2] - 0.03, 0.06))
checkpoints = sorted({math.ceil(q * N - 1e-9) for q in p[1:] if math.ceil(q * N - 1e-9) <= N})
u = 2 * torch.rand_like(x) - 1
x0 = project(x + eps * u / u.abs().amax(1, keepdim=True))
f, g, broken = evaluate(x0)
losses = [f]
x_prev, x_cur = x0.clone(), x0.clone()
f_max, x_max = f.clone(), x0.clone()
eta = torch.full((x.shape[0], 1), 2 * eps)
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
        condition1 = increases < rho * window
        condition2 = (~reduced_last) & (f_max <= f_max_last)
        reduce = condition1 | condition2
        eta[reduce] /= 2
        x_cur = torch.where(reduce[:, None], x_max, x_cur)
        if reduce.any():
            _, g_best, _ = evaluate(x_cur)
            g = torch.where(reduce[:, None], g_best, g)
        reduced_last, f_max_last, last_w = reduce, f_max.clone(), k + 1
print(json.dumps({'robust': (~broken).float().mean().item()}))
`;

describeWithTorch('APGD-CE against an independent PyTorch APGD-CE', () => {
  it('gives the same robust accuracy within 0.5 points (MLP, 400 inputs, L∞, 100 steps)', async () => {
    await expectPyTorchAgreement('apgd pytorch', apgd({ norm: 'linf', steps: 100 }), 0.02, 100, script);
  });
});
