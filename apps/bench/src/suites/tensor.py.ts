// The PyTorch peer of the tensor suite: the same shapes and operations on the CPU.
export const tensorPeerScript = String.raw`
import json, sys, time, torch
cfg = json.loads(sys.argv[1])
torch.manual_seed(0)
m, k, n = cfg['matMulShape']['m'], cfg['matMulShape']['k'], cfg['matMulShape']['n']
c = cfg['convShape']; reps = cfg['repeats']
def median_ms(f, warmup=2):
    for _ in range(warmup): f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort(); return ts[len(ts) // 2]
a, b, dy = torch.randn(m, k), torch.randn(k, n), torch.randn(m, n)
x = torch.randn(c['batch'], c['inC'], c['size'], c['size'])
w = torch.randn(c['outC'], c['inC'], c['kernel'], c['kernel'])
out = (c['size'] + 2 * c['pad'] - c['kernel']) // c['stride'] + 1
dyc = torch.randn(c['batch'], c['outC'], out, out)
conv = lambda: torch.nn.functional.conv2d(x, w, stride=c['stride'], padding=c['pad'])
def conv_filter_grad():
    return torch.nn.grad.conv2d_weight(x, w.shape, dyc, stride=c['stride'], padding=c['pad'])
ws = [torch.randn(784, 128, requires_grad=True), torch.randn(128, 128, requires_grad=True), torch.randn(128, 10, requires_grad=True)]
xm, ym = torch.rand(50, 784), torch.nn.functional.one_hot(torch.randint(0, 10, (50,)), 10).float()
def mlp_step():
    h = xm
    for i, wi in enumerate(ws):
        h = h @ wi
        if i < 2: h = torch.relu(h)
    loss = ((h - ym) ** 2).mean()
    torch.autograd.grad(loss, ws)
with torch.no_grad():
    res = {
        'matMulMs': median_ms(lambda: a @ b),
        'conv2dMs': median_ms(conv),
        'matMulGradientMs': median_ms(lambda: (dy @ b.T, a.T @ dy)),
        'convFilterMs': median_ms(conv_filter_grad),
    }
res['mlpStepMs'] = median_ms(mlp_step)
res['threads'] = torch.get_num_threads()
print(json.dumps(res))
`;
