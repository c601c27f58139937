# The PyTorch peer of the blas suite: matMul 256×784·784×1000 and L∞ PGD on CNNLight (the
# attacks suite's semantics: uniform random start, step 2.5ε/steps, projection every step,
# summed cross-entropy on logits) at a given thread count. Timing only: CNNLight has PyTorch's
# default initialization here (the weights do not change the work). Input: one JSON argument;
# `only` picks the workload ('matMul' or 'pgd'), so the suite can run it right after LiftGuard's.
import json, os, sys, time

cfg = json.loads(sys.argv[1])
# OpenBLAS and OpenMP read their thread counts when torch loads.
os.environ['OMP_NUM_THREADS'] = os.environ['OPENBLAS_NUM_THREADS'] = str(cfg['threads'])
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(cfg['seed'])
torch.set_num_threads(cfg['threads'])


def timed(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1000


def matmul_ms():
    m, k, n = cfg['matMul']
    a, b = torch.randn(m, k), torch.randn(k, n)
    return timed(lambda: torch.mm(a, b), cfg['matMulRepeats'])


def pgd_ms():
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, 2, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(),
        nn.Flatten(), nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10))
    for p in model.parameters():
        p.requires_grad_(False)
    count = cfg['count']
    x = torch.from_numpy(read_idx(cfg['files']['testImages'])[:count].astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(read_idx(cfg['files']['testLabels'])[:count].astype(np.int64))
    eps, steps = cfg['epsilon'], cfg['steps']

    def pgd():
        adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
        for _ in range(steps):
            adv.requires_grad_(True)
            loss = F.cross_entropy(model(adv), y, reduction='sum')
            grad, = torch.autograd.grad(loss, adv)
            with torch.no_grad():
                adv = (x + (adv + 2.5 * eps / steps * grad.sign() - x).clamp(-eps, eps)).clamp(0, 1)
        return adv

    return timed(pgd, cfg['pgdRepeats'])


ms = matmul_ms() if cfg['only'] == 'matMul' else pgd_ms()
print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'ms': ms}))
