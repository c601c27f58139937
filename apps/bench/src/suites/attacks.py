# The PyTorch peer of the attacks suite. It trains the two benchmark models briefly (BP, Adam),
# writes their weights for the LiftGuard side, and times FGSM and L∞ PGD-40 on the same MNIST
# test images with the same semantics (uniform random start, step 2.5ε/steps, projection onto
# the ε-box and [0, 1] every step, cross-entropy on logits). Input: one JSON argument.
import gzip, json, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.manual_seed(cfg['seed'])
torch.set_num_threads(cfg['threads'])


def read_idx(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


files = cfg['files']
x_train = torch.from_numpy(read_idx(files['trainImages']).astype(np.float32) / 255).unsqueeze(1)
y_train = torch.from_numpy(read_idx(files['trainLabels']).astype(np.int64))
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


class Mlp(nn.Module):
    # LIFTED.md §4: 784-128-128-10 ReLU.
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.flatten(1))))))


def train(model, epochs, batch):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = x_train.shape[0]
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


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


def robust_accuracy(model, adv, y):
    with torch.no_grad():
        return (model(adv).argmax(1) == y).float().mean().item()


def timed(fn, repeats):
    times, result = [], None
    fn()  # warm-up
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1000, result


out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'models': {}}
for name, build, epochs, batch in [('cnn-light', CnnLight, cfg['epochs']['cnn-light'], 64), ('mlp', Mlp, cfg['epochs']['mlp'], 50)]:
    start = time.perf_counter()
    model = train(build(), epochs, batch)
    train_seconds = time.perf_counter() - start
    weights = {k: v.detach().numpy().astype(np.float32).ravel().tolist() for k, v in model.state_dict().items()}
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    json.dump({'weights': weights, 'shapes': shapes}, open(cfg['weightsDir'] + f'/{name}.json', 'w'))
    entry = {'epochs': epochs, 'batch': batch, 'trainSeconds': train_seconds, 'cleanAccuracy': robust_accuracy(model, x_test, y_test)}
    if name == 'cnn-light':
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
        entry['fgsm'] = {'ms': fgsm_ms, 'oneThreadMs': fgsm_one_ms, 'robustAccuracy': robust_accuracy(model, fgsm_adv, y_test)}
        entry['pgd'] = {'ms': pgd_ms, 'oneThreadMs': pgd_one_ms, 'robustAccuracy': robust_accuracy(model, pgd_adv, y_test)}
    out['models'][name] = entry
print(json.dumps(out))
