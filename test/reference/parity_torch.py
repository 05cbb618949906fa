# llm.c-style reference: load the fixture's weights (exported from the project's createModel by export-fixture.ts)
# and batch, run the project's training step in PyTorch (scripts/rm_torch.py mirrors model.ts, losses.ts 'bsr' and
# step.ts) for `steps` Adam steps, and write each step's loss and pre-clip gradient norm to parity-expected.json.
# Command (Debian's torch):  /usr/bin/python3 test/reference/parity_torch.py
import json, os, sys
import numpy as np
import torch
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'scripts'))
import rm_torch as rm

torch.set_num_threads(1)
fx = json.load(open(os.path.join(HERE, 'parity-fixture.json')))
raw = np.fromfile(os.path.join(HERE, 'parity-weights.bin'), dtype='<f4')
P, off = {}, 0
for p in fx['params']:
    n = int(np.prod(p['shape']))
    P[p['name']] = torch.tensor(raw[off:off + n].reshape(p['shape'])).requires_grad_(True)
    off += n
assert off == raw.size, f'weights file has {raw.size} floats, shapes need {off}'
assert [n for n, _ in rm.param_specs(fx['config'])] == list(P.keys()), 'parameter order differs from rm_torch.param_specs'

ids = torch.tensor(fx['ids'], dtype=torch.long)
last = torch.tensor(fx['lastIdx'], dtype=torch.long)
opt = rm.TfjsAdam(list(P.values()), fx['lr'], eps=fx['adamEps'])
losses, norms = [], []
for _ in range(fx['steps']):
    loss, norm = rm.train_step(P, fx['config'], opt, ids, last, fx['pairs'], fx['lambda'], fx['gradClip'])
    losses.append(loss)
    norms.append(norm)
out = {'command': '/usr/bin/python3 test/reference/parity_torch.py', 'torch': torch.__version__, 'losses': losses, 'gradNorms': norms}
tmp = os.path.join(HERE, 'parity-expected.json.tmp')
with open(tmp, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
os.replace(tmp, os.path.join(HERE, 'parity-expected.json'))
print(json.dumps(out))
