# The PyTorch peer of the mobilenet suite: MobileNetV2 (alpha 1.0) built from torch.nn layers,
# the same architecture and shapes as mobilenet-model.ts (3×3 s2 stem, 17 inverted-residual
# blocks, 1×1 to 1280, global average pool, linear), bias-free convs + BatchNorm2d + ReLU6, in
# eval mode with PyTorch's default random weights (the weights do not change the work). One L∞
# PGD step = input gradient of the summed cross-entropy + sign step + projection, batch 8.
# Prints seconds per step, peak RSS and (with `profile`) the top operators of one step.
import json, os, resource, sys, time

cfg = json.loads(sys.argv[1])
# OpenBLAS and OpenMP read their thread counts when torch loads.
os.environ['OMP_NUM_THREADS'] = os.environ['OPENBLAS_NUM_THREADS'] = str(cfg['threads'])
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(cfg['seed'])
torch.set_num_threads(cfg['threads'])

STAGES = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def conv_bn(cin, cout, kernel, stride, groups=1, relu=True):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3)]
    return layers + [nn.ReLU6()] if relu else layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, t, cout, stride):
        super().__init__()
        hidden = cin * t
        layers = conv_bn(cin, hidden, 1, 1) if t != 1 else []
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden) + conv_bn(hidden, cout, 1, 1, relu=False)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2(classes):
    layers, channels = conv_bn(3, 32, 3, 2), 32
    for t, c, n, s in STAGES:
        for i in range(n):
            layers.append(InvertedResidual(channels, t, c, s if i == 0 else 1))
            channels = c
    layers += conv_bn(channels, 1280, 1, 1) + [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)


model = mobilenet_v2(cfg['classes']).eval()
for p in model.parameters():
    p.requires_grad_(False)
batch, size, eps, alpha = cfg['batch'], cfg['size'], cfg['epsilon'], cfg['stepSize']
x = torch.rand(batch, 3, size, size)
y = torch.randint(0, cfg['classes'], (batch,))


def step(adv):
    adv = adv.detach().requires_grad_(True)
    loss = F.cross_entropy(model(adv), y, reduction='sum')
    grad, = torch.autograd.grad(loss, adv)
    with torch.no_grad():
        return (x + (adv + alpha * grad.sign() - x).clamp(-eps, eps)).clamp(0, 1)


adv, times = x.clone(), []
for i in range(cfg['warmup'] + cfg['steps']):
    start = time.perf_counter()
    adv = step(adv)
    if i >= cfg['warmup']:
        times.append(time.perf_counter() - start)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

profile = []
if cfg['profile']:
    with torch.autograd.profiler.profile() as prof:
        step(adv)
    events = [e for e in prof.key_averages() if not e.key.startswith('aten::') or e.self_cpu_time_total > 0]
    total = sum(e.self_cpu_time_total for e in events)
    for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[:12]:
        profile.append({'op': e.key, 'ms': e.self_cpu_time_total / 1000, 'calls': e.count})
    profile.append({'op': 'all ops', 'ms': total / 1000, 'calls': None})

times_sorted = sorted(times)
print(json.dumps({
    'torch': torch.__version__, 'threads': torch.get_num_threads(), 'stepSeconds': times,
    'minSeconds': times_sorted[0], 'medianSeconds': times_sorted[len(times) // 2], 'peakRssBytes': peak, 'profile': profile,
}))
