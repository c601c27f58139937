# The PyTorch peer of the autoattack suite, written from the papers: APGD-CE and APGD-T (Croce &
# Hein, ICML 2020, Algorithm 1 with the paper's checkpoints ceil(p_j*N) and strict "<"; targeted
# DLR for APGD-T), FAB-T (Croce & Hein 2020: linearized boundary, box-constrained projection,
# alpha_max 0.1, eta 1.05, beta 0.9) and Square L-inf (Andriushchenko et al., ECCV 2020: stripes
# start, p_init 0.8 halved on the paper's schedule, one random square per image and iteration),
# on CNNLight with the weights LiftGuard exported and the same MNIST test images, every point
# clipped to [0, 1]. Each stage attacks the examples every earlier stage left robust; success is
# judged by re-predicting the point projected onto the eps-ball and [0, 1], as LiftGuard does.
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



def project_linf(z, x, eps):
    return torch.min(torch.max(z, x - eps), x + eps).clamp(0.0, 1.0)


def checkpoints_of(N):
    p = [0.0, 0.22]
    while p[-1] < 1:
        p.append(p[-1] + max(p[-1] - p[-2] - 0.03, 0.06))
    return sorted({math.ceil(q * N - 1e-9) for q in p[1:] if math.ceil(q * N - 1e-9) <= N})


def apgd(model, x, y, eps, N, loss_fn, drop_broken, rho=0.75, alpha=0.75):
    """APGD ascending loss_fn(logits, rows) per row. Returns (broken, points): per example the
    successful point (the latest; the first when drop_broken stops stepping broken examples, as
    LiftGuard does), else its best-loss point."""
    n = x.shape[0]
    checkpoints = set(checkpoints_of(N))

    def evaluate(z, rows):
        z = z.clone().requires_grad_(True)
        logits = model(z)
        loss = loss_fn(logits, rows)
        grad, = torch.autograd.grad(loss.sum(), z)
        return loss.detach(), grad, logits.detach().argmax(1) != y[rows]

    everyone = torch.arange(n)
    u = 2 * torch.rand_like(x) - 1
    x0 = project_linf(x + eps * u / u.flatten(1).abs().amax(1).view(-1, 1, 1, 1), x, eps)
    f, g, broken = evaluate(x0, everyone)
    x_adv = x0.clone()
    active = everyone[~broken] if drop_broken else everyone
    losses = [f]
    x_prev, x_cur = x0.clone(), x0.clone()
    f_max, x_max, g_max = f.clone(), x0.clone(), g.clone()
    eta = torch.full((n, 1, 1, 1), 2 * eps)
    last_w, f_max_last = 0, f_max.clone()
    reduced_last = torch.ones(n, dtype=torch.bool)
    for k in range(N):
        if len(active) == 0:
            break
        a = 1.0 if k == 0 else alpha
        z = project_linf(x_cur + eta * g.sign(), x, eps)
        x_next = project_linf(x_cur + a * (z - x_cur) + (1 - a) * (x_cur - x_prev), x, eps)
        f_a, g_a, wrong = evaluate(x_next[active], active)
        f, g = f.clone(), g.clone()
        f[active], g[active] = f_a, g_a
        newly = active[wrong]
        broken[newly] = True
        x_adv[newly] = x_next[newly]
        better = f > f_max
        x_max[better], g_max[better] = x_next[better], g[better]
        f_max = torch.where(better, f, f_max)
        losses.append(f)
        x_prev, x_cur = x_cur, x_next
        if k + 1 in checkpoints:
            window = k + 1 - last_w
            increases = sum((losses[i + 1] > losses[i]).float() for i in range(last_w, k + 1))
            reduce = (increases < rho * window) | ((~reduced_last) & (f_max <= f_max_last))
            eta[reduce] /= 2
            # Restart from the best point with its stored gradient (as LiftGuard; no extra pass).
            x_cur = torch.where(reduce.view(-1, 1, 1, 1), x_max, x_cur)
            g = torch.where(reduce.view(-1, 1, 1, 1), g_max, g)
            reduced_last, f_max_last, last_w = reduce, f_max.clone(), k + 1
        if drop_broken:
            active = active[~wrong]
    return broken, torch.where(broken.view(-1, 1, 1, 1), x_adv, x_max)


def cross_entropy(y):
    return lambda logits, rows: F.cross_entropy(logits, y[rows], reduction='none')


def targeted_dlr(y, t):
    # -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12), pi: logits sorted decreasingly.
    def loss(logits, rows):
        s = logits.sort(1, descending=True)[0]
        gap = logits.gather(1, y[rows][:, None]) - logits.gather(1, t[rows][:, None])
        return -gap.squeeze(1) / (s[:, 0] - 0.5 * (s[:, 2] + s[:, 3]) + 1e-12)
    return loss


def project_onto_hyperplane_linf(t, w, b):
    """Per row the smallest L-inf step d with <w, t + d> = b and t + d in [0, 1] (the closest the
    box allows when it cannot reach): every free coordinate moves along sign(w) by min(r, room);
    <w, d(r)> is piecewise linear in r, solved between the sorted breakpoints."""
    gap = b - (w * t).sum(1)
    orientation = torch.where(gap < 0, -1.0, 1.0)[:, None]
    need = gap.abs()[:, None]
    wo = w * orientation
    magnitude = wo.abs()
    room = torch.where(wo > 0, 1 - t, torch.where(wo < 0, t, torch.zeros_like(t))).clamp_min(0)
    key = torch.where(wo != 0, room, torch.full_like(room, math.inf))
    keys, order = key.sort(1)
    mag_s, room_s = magnitude.gather(1, order), room.gather(1, order)
    slope = mag_s.flip(1).cumsum(1).flip(1)
    saturated = (mag_s * room_s).cumsum(1) - mag_s * room_s
    candidate = (need - saturated) / slope
    ok = candidate <= keys
    first = ok.float().argmax(1, keepdim=True)
    r = torch.where(ok.any(1, keepdim=True), candidate.gather(1, first), torch.full_like(need, math.inf))
    return torch.where(need > 0, wo.sign() * torch.min(r, room), torch.zeros_like(t))


def fab_targeted(model, x, y, t, steps=100, alpha_max=0.1, eta=1.05, beta=0.9):
    """Targeted FAB from the clean point; returns the closest misclassified point found per
    example (else x) and its L-inf distance (inf when none)."""
    n = x.shape[0]
    clean = x.reshape(n, -1)
    cur = clean.clone()
    adv, dist = clean.clone(), torch.full((n,), math.inf)
    for _ in range(steps):
        z = cur.clone().requires_grad_(True)
        logits = model(z.view_as(x))
        gap = (logits.gather(1, t[:, None]) - logits.gather(1, y[:, None])).squeeze(1)
        w, = torch.autograd.grad(gap.sum(), z)
        gap = gap.detach()
        b = (w * cur).sum(1) - gap
        d = project_onto_hyperplane_linf(torch.cat([cur, clean]), torch.cat([w, w]), torch.cat([b, b]))
        lengths = d.abs().amax(1).clamp_min(1e-8)
        a = (lengths[:n] / (lengths[:n] + lengths[n:])).clamp(0, alpha_max)[:, None]
        cur = ((cur + eta * d[:n]) * (1 - a) + (clean + eta * d[n:]) * a).clamp(0, 1)
        with torch.no_grad():
            wrong = model(cur.view_as(x)).argmax(1) != y
        length = (cur - clean).abs().amax(1)
        closer = wrong & (length < dist)
        dist = torch.where(closer, length, dist)
        adv[closer] = cur[closer]
        cur = torch.where(wrong[:, None], clean + beta * (cur - clean), cur)
    return adv.view_as(x), dist


def square_fraction(it, budget, p_init):
    scaled = int(it / budget * 10000)
    return p_init / 2 ** sum(scaled > at for at in (10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000))


def square_linf(model, x, y, eps, queries=5000, p_init=0.8):
    n, c, h, w = x.shape

    def margin(z, yy):
        with torch.no_grad():
            logits = model(z)
        own = logits.gather(1, yy[:, None]).squeeze(1)
        return own - logits.scatter(1, yy[:, None], -math.inf).amax(1)

    x_best = (x + eps * torch.where(torch.rand(n, c, 1, w) < 0.5, -1.0, 1.0)).clamp(0, 1)
    m = margin(x_best, y)
    rows, cols = torch.arange(h)[None, :, None], torch.arange(w)[None, None, :]
    for it in range(queries - 1):
        idx = (m > 0).nonzero().flatten()
        if len(idx) == 0:
            break
        # Python's round() halves to even, as the reference.
        s = max(min(round(math.sqrt(square_fraction(it, queries, p_init) * h * w)), h, w), 1)
        top = torch.randint(0, h - s + 1, (len(idx), 1, 1))
        left = torch.randint(0, w - s + 1, (len(idx), 1, 1))
        inside = ((rows >= top) & (rows < top + s) & (cols >= left) & (cols < left + s))[:, None]
        xi, xb = x[idx], x_best[idx]
        step = 2 * eps * torch.where(torch.rand(len(idx), c, 1, 1) < 0.5, -1.0, 1.0)
        proposal = torch.where(inside, project_linf(xb + step, xi, eps), xb)
        mp = margin(proposal, y[idx])
        keep = (mp < m[idx]) | (mp <= 0)
        x_best[idx[keep]] = proposal[keep]
        m[idx[keep]] = mp[keep]
    return x_best


files = cfg['files']
count = cfg['count']
x_test = torch.from_numpy(read_idx(files['testImages'])[:count].astype(np.float32) / 255).unsqueeze(1)
y_test = torch.from_numpy(read_idx(files['testLabels'])[:count].astype(np.int64))
model = CnnLight()
model.load_state_dict(load_safetensors(cfg['weights']))  # strict: every tensor present with its PyTorch shape
model.eval()
for param in model.parameters():
    param.requires_grad_(False)
steps = cfg['steps']


def still_wrong(points, index, eps):
    # The bookkeeping both sides share: project onto the eps-ball and [0, 1], re-predict.
    with torch.no_grad():
        return model(project_linf(points, x_test[index], eps)).argmax(1) != y_test[index]


def apgd_ce_alone(eps, drop_broken):
    # Clean pass, APGD-CE on the clean-correct images, robust accuracy: what runAttack does.
    with torch.no_grad():
        correct = model(x_test).argmax(1) == y_test
    index = correct.nonzero().flatten()
    _, points = apgd(model, x_test[index], y_test[index], eps, steps, cross_entropy(y_test[index]), drop_broken)
    return (correct.sum().item() - still_wrong(points, index, eps).sum().item()) / count


def standard_suite(eps):
    """APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5,000 queries), each on the survivors."""
    stages = []
    started = time.perf_counter()
    with torch.no_grad():
        logits = model(x_test)
    robust = logits.argmax(1) == y_test
    ranking = logits.argsort(1, descending=True)

    def stage(name, run):
        begin = time.perf_counter()
        attacked = int(robust.sum().item())
        broken = run() if attacked else 0
        stages.append({'name': name, 'attacked': attacked, 'broken': broken, 'ms': (time.perf_counter() - begin) * 1000})

    def apgd_ce_stage():
        index = robust.nonzero().flatten()
        _, points = apgd(model, x_test[index], y_test[index], eps, steps, cross_entropy(y_test[index]), True)
        wrong = still_wrong(points, index, eps)
        robust[index[wrong]] = False
        return int(wrong.sum().item())

    def apgd_t_stage():
        broken = 0
        for rank in range(1, 10):
            index = robust.nonzero().flatten()
            if len(index) == 0:
                break
            y, t = y_test[index], ranking[index, rank]
            _, points = apgd(model, x_test[index], y, eps, steps, targeted_dlr(y, t), True)
            wrong = still_wrong(points, index, eps)
            robust[index[wrong]] = False
            broken += int(wrong.sum().item())
        return broken

    def fab_t_stage():
        index = robust.nonzero().flatten()
        best = x_test[index].clone()
        dist = torch.full((len(index),), math.inf)
        for rank in range(1, 10):
            todo = (dist > eps).nonzero().flatten()
            if len(todo) == 0:
                break
            rows = index[todo]
            points, d = fab_targeted(model, x_test[rows], y_test[rows], ranking[rows, rank], steps)
            closer = d < dist[todo]
            best[todo[closer]] = points[closer]
            dist[todo[closer]] = d[closer]
        wrong = still_wrong(best, index, eps)
        robust[index[wrong]] = False
        return int(wrong.sum().item())

    def square_stage():
        index = robust.nonzero().flatten()
        points = square_linf(model, x_test[index], y_test[index], eps)
        wrong = still_wrong(points, index, eps)
        robust[index[wrong]] = False
        return int(wrong.sum().item())

    stage('apgd-ce', apgd_ce_stage)
    stage('apgd-t', apgd_t_stage)
    stage('fab-t', fab_t_stage)
    stage('square', square_stage)
    return {'ms': (time.perf_counter() - started) * 1000, 'robustAccuracy': robust.float().mean().item(), 'stages': stages}


with torch.no_grad():
    clean = model(x_test).argmax(1)
rows = []
for eps in cfg['epsilons']:
    row = {'epsilon': eps}
    for drop_broken, key in ((False, 'reference'), (True, 'dropBroken')):
        # The median of `repeats` runs (re-seeded: the same result each time), as on the LiftGuard side.
        times = []
        for _ in range(int(cfg.get('repeats', 1))):
            torch.manual_seed(cfg['seed'])
            start = time.perf_counter()
            row[key + 'RobustAccuracy'] = apgd_ce_alone(eps, drop_broken)
            times.append((time.perf_counter() - start) * 1000)
        row[key + 'Ms'] = sorted(times)[len(times) // 2]
    if cfg['suite']:
        # The median of `repeats` runs per ε and per stage, as on the LiftGuard side.
        runs = []
        for _ in range(int(cfg.get('repeats', 1))):
            torch.manual_seed(cfg['seed'])
            runs.append(standard_suite(eps))
        middle = lambda values: sorted(values)[len(values) // 2]
        suite = runs[0]
        suite['ms'] = middle([run['ms'] for run in runs])
        for k, stage in enumerate(suite['stages']):
            stage['ms'] = middle([run['stages'][k]['ms'] for run in runs])
        row['suite'] = suite
    rows.append(row)
print(json.dumps({
    'torch': torch.__version__,
    'threads': cfg['threads'],
    'cleanAccuracy': (clean == y_test).float().mean().item(),
    'cleanPredictions': clean.tolist(),
    'rows': rows,
}))
