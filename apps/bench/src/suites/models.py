# The PyTorch peer of the models suite: the same models, data, batches and optimizer
# settings as the LiftGuard run, timed per epoch on the CPU. Input: one JSON argument.
import json, os, sys, time

cfg = json.loads(sys.argv[1])
# OpenBLAS and OpenMP read their thread counts when torch loads.
os.environ['OMP_NUM_THREADS'] = os.environ['OPENBLAS_NUM_THREADS'] = str(cfg['threads'])
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(cfg['seed'])
torch.set_num_threads(cfg['threads'])


files = cfg['files']
n = cfg['trainSize']
x_train = torch.from_numpy(read_idx(files['trainImages'])[:n].astype(np.float32) / 255)
y_train = torch.from_numpy(read_idx(files['trainLabels'])[:n].astype(np.int64))
x_test = torch.from_numpy(read_idx(files['testImages']).astype(np.float32) / 255)
y_test = torch.from_numpy(read_idx(files['testLabels']).astype(np.int64))

if cfg['model'] == 'mlp':
    widths = cfg['widths']
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(nn.Flatten(), *layers)
    # The lifted-network initialization: N(0, 1/fanIn) weights, zero biases.
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 1 / m.in_features ** 0.5)
            nn.init.zeros_(m.bias)
else:
    c1, c2, hidden = (8, 16, 50) if cfg['model'] == 'cnn-light' else (16, 32, 100)
    model = nn.Sequential(
        nn.Conv2d(1, c1, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(7 * 7 * c2, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    x_train = x_train.unsqueeze(1)
    x_test = x_test.unsqueeze(1)

optimizer = torch.optim.Adam(model.parameters(), lr=cfg['learningRate'])
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=cfg['learningRateDecay'])
batch = cfg['batchSize']
epoch_seconds = []
for epoch in range(cfg['epochs']):
    start = time.perf_counter()
    order = torch.randperm(n)
    for b in range(0, n, batch):
        idx = order[b:b + batch]
        logits = model(x_train[idx])
        if cfg['loss'] == 'squared':
            loss = 0.5 * ((logits - nn.functional.one_hot(y_train[idx], 10).float()) ** 2).sum(1).mean()
        else:
            loss = nn.functional.cross_entropy(logits, y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    scheduler.step()
    epoch_seconds.append(time.perf_counter() - start)

with torch.no_grad():
    correct = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item() for i in range(0, len(y_test), 1000))
print(json.dumps({'epochSeconds': epoch_seconds, 'testAccuracy': correct / len(y_test), 'threads': torch.get_num_threads(), 'torch': torch.__version__}))
