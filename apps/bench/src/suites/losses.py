# PyTorch peer of the losses suite: an independent AROVR implementation.
# mode "gradient": converged adversarial state by projected gradient descent (not the block
#   solver), then the Danskin gradient (1/β)(∇U(z*) − ∇U(ẑ)) with autograd — to compare with
#   @liftguard/losses on the same weights and batch.
# mode "epoch": one AROVR epoch of the same truncated algorithm LiftGuard runs (top-down
#   block-coordinate rounds, majorize damping from warm-started power iterations, squared
#   loss, Adam), and one BP epoch, timed on the same data, for the speed comparison.
import json, sys, time
import torch

cfg = json.loads(sys.argv[1])
torch.set_num_threads(int(cfg.get('threads', 2)))


def energies(Ws, bs, x, zs):
    """Fenchel-Young E_k per example: ReLU hidden layers, identity output."""
    out, prev = [], x
    for k, (W, b) in enumerate(zip(Ws, bs)):
        a = prev @ W + b
        e = 0.5 * ((zs[k] - a) ** 2).sum(1)
        if k < len(Ws) - 1:
            e = e - 0.5 * ((torch.relu(a) - a) ** 2).sum(1)
        out.append(e)
        prev = zs[k]
    return out


def potential(Ws, bs, x, zs, gamma):
    return sum(g * e for g, e in zip(gamma, energies(Ws, bs, x, zs))).mean()


def forward(Ws, bs, x):
    zs, h = [], x
    for k, (W, b) in enumerate(zip(Ws, bs)):
        h = h @ W + b
        if k < len(Ws) - 1:
            h = torch.relu(h)
        zs.append(h)
    return zs


def squared(z, y):
    return 0.5 * ((z - y) ** 2).sum(1)


def gradient_mode():
    Ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in cfg['kernels']]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in cfg['biases']]
    x = torch.tensor(cfg['x'], dtype=torch.float64)
    y = torch.nn.functional.one_hot(torch.tensor(cfg['labels']), Ws[-1].shape[1]).double()
    beta, gamma = cfg['beta'], cfg['gamma']
    with torch.no_grad():
        free = forward(Ws, bs, x)
    zs = [z.clone().requires_grad_(True) for z in free]
    step = cfg.get('step', 0.05)
    for it in range(cfg.get('iterations', 20000)):
        psi = sum(g * e for g, e in zip(gamma, energies([W.detach() for W in Ws], [b.detach() for b in bs], x, zs))).sum() - beta * squared(zs[-1], y).sum()
        grads = torch.autograd.grad(psi, zs)
        with torch.no_grad():
            change = 0.0
            for k, (z, g) in enumerate(zip(zs, grads)):
                new = z - step * g
                if k < len(zs) - 1:
                    new = new.clamp_min(0)
                change = max(change, (new - z).abs().max().item())
                z.copy_(new)
        if change < 1e-12:
            break
    adv = [z.detach() for z in zs]
    value = (squared(adv[-1], y).mean() - (potential(Ws, bs, x, adv, gamma) - potential(Ws, bs, x, free, gamma)) / beta).item()
    surrogate = (potential(Ws, bs, x, free, gamma) - potential(Ws, bs, x, adv, gamma)) / beta
    grads = torch.autograd.grad(surrogate, Ws + bs)
    print(json.dumps({'value': value, 'iterations': it + 1, 'finalChange': change, 'grads': [g.flatten().tolist() for g in grads], 'torch': torch.__version__}))


def epoch_mode():
    n, batch, rounds, beta = cfg['count'], cfg['batchSize'], cfg['rounds'], cfg['beta']
    x_all = torch.from_numpy(read_idx(cfg['images'])[:n].reshape(n, -1).copy()).float() / 255.0
    y_all = torch.nn.functional.one_hot(torch.from_numpy(read_idx(cfg['labels'])[:n].reshape(n, -1).copy()).long().flatten(), 10).float()
    torch.manual_seed(0)
    widths = cfg['widths']
    def init():
        Ws = [(torch.randn(widths[i], widths[i + 1]) / widths[i] ** 0.5).requires_grad_(True) for i in range(len(widths) - 1)]
        bs = [torch.zeros(widths[i + 1], requires_grad=True) for i in range(len(widths) - 1)]
        return Ws, bs
    gamma = [1.0] * (len(widths) - 1)

    def solve_adversarial(Ws, bs, x, y, vecs):
        with torch.no_grad():
            L = len(Ws)
            # warm-started power iterations for σ̂ of maps 2..L (3 per solve, as LiftGuard)
            sig = []
            for k in range(1, L):
                v = vecs[k]
                for _ in range(3):
                    u = (v @ Ws[k]) @ Ws[k].T
                    s2 = u.norm()
                    v = u / (s2 + 1e-30)
                vecs[k] = v
                sig.append(float(s2.sqrt()))
            M = [1.1 * s * s for s in sig]
            z = forward(Ws, bs, x)
            a = [None] * L
            prev = x
            for k in range(L):
                a[k] = prev @ Ws[k] + bs[k]
                prev = z[k]
            for _ in range(rounds):
                # output: argmin γ/2‖z − a‖² − β/2‖z − y‖²
                z[L - 1] = (gamma[L - 1] * a[L - 1] - beta * y) / (gamma[L - 1] - beta)
                for k in range(L - 2, -1, -1):
                    up = a[k + 1].clone()
                    if k + 1 < L - 1:
                        up = torch.relu(up)
                    g = (up - z[k + 1]) @ Ws[k + 1].T
                    c = gamma[k] + gamma[k + 1] * M[k]
                    z[k] = torch.relu((gamma[k] * a[k] - gamma[k + 1] * g + gamma[k + 1] * M[k] * z[k]) / c)
                    a[k + 1] = z[k] @ Ws[k + 1] + bs[k + 1]
            return z

    def run(kind):
        Ws, bs = init()
        opt = torch.optim.Adam(Ws + bs, lr=1e-3)
        vecs = {k: torch.randn(1, widths[k]) for k in range(1, len(widths) - 1)}
        start = time.perf_counter()
        for i in range(0, n, batch):
            x, y = x_all[i:i + batch], y_all[i:i + batch]
            opt.zero_grad()
            if kind == 'bp':
                loss = squared(forward(Ws, bs, x)[-1], y).mean()
            else:
                adv = solve_adversarial(Ws, bs, x, y, vecs)
                with torch.no_grad():
                    free = forward(Ws, bs, x)
                loss = (potential(Ws, bs, x, free, gamma) - potential(Ws, bs, x, adv, gamma)) / beta
            loss.backward()
            opt.step()
        return time.perf_counter() - start

    repeats = int(cfg.get('repeats', 3))
    run('bp')  # warm-up
    # Interleaved so that a burst of load on the shared machine hits both kinds alike.
    bp, arovr = [], []
    for _ in range(repeats):
        bp.append(run('bp'))
        arovr.append(run('arovr'))
    print(json.dumps({'bpEpochSeconds': bp, 'arovrEpochSeconds': arovr, 'threads': torch.get_num_threads(), 'torch': torch.__version__}))


gradient_mode() if cfg['mode'] == 'gradient' else epoch_mode()
