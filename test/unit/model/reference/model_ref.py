# Reference forward pass and gradients for test/unit/model/model.test.ts: the reward model of src/train/model.ts
# written again in float64 numpy (pre-LN causal transformer, exact GELU, LN eps 1e-5, x @ W with W stored [in, out],
# h = final-LN state at lastIdx, r = h @ score.weight). Weights come from a closed formula so no file is needed.
# Run: python3 test/unit/model/reference/model_ref.py   (numpy + scipy)
import json
import numpy as np
from scipy.special import erf

V, D, L, H, F, T_MAX = 11, 8, 2, 2, 16, 12

def specs():
    s = [('tok_emb.weight', (V, D)), ('pos_emb.weight', (T_MAX, D))]
    for l in range(L):
        b = f'blocks.{l}'
        s += [(f'{b}.ln1.weight', (D,)), (f'{b}.ln1.bias', (D,)), (f'{b}.attn.q.weight', (D, D)), (f'{b}.attn.k.weight', (D, D)),
              (f'{b}.attn.v.weight', (D, D)), (f'{b}.attn.o.weight', (D, D)), (f'{b}.ln2.weight', (D,)), (f'{b}.ln2.bias', (D,)),
              (f'{b}.mlp.fc.weight', (D, F)), (f'{b}.mlp.proj.weight', (F, D))]
    return s + [('ln_f.weight', (D,)), ('ln_f.bias', (D,)), ('score.weight', (D, 1))]

def formula_weights():
    # value(p, k) = base + 0.3·sin(0.37·(k+1) + 1.3·(p+1)); base = 1 for LayerNorm gains, else 0.
    w = {}
    for p, (name, shape) in enumerate(specs()):
        k = np.arange(int(np.prod(shape)), dtype=np.float64)
        base = 1.0 if name.endswith('ln1.weight') or name.endswith('ln2.weight') or name == 'ln_f.weight' else 0.0
        w[name] = (base + 0.3 * np.sin(0.37 * (k + 1) + 1.3 * (p + 1))).reshape(shape)
    return w

def ln(x, g, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-5) * g + b

def forward(w, ids, last):
    N, T = ids.shape
    dh = D // H
    x = w['tok_emb.weight'][ids] + w['pos_emb.weight'][:T]
    mask = np.triu(np.ones((T, T), dtype=bool), 1)
    for l in range(L):
        b = f'blocks.{l}'
        a = ln(x, w[f'{b}.ln1.weight'], w[f'{b}.ln1.bias'])
        heads = lambda n: (a @ w[f'{b}.attn.{n}.weight']).reshape(N, T, H, dh).transpose(0, 2, 1, 3)
        q, k, v = heads('q'), heads('k'), heads('v')
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
        s = np.where(mask, -np.inf, s)
        p = np.exp(s - s.max(-1, keepdims=True)); p /= p.sum(-1, keepdims=True)
        y = (p @ v).transpose(0, 2, 1, 3).reshape(N, T, D)
        x = x + y @ w[f'{b}.attn.o.weight']
        m = ln(x, w[f'{b}.ln2.weight'], w[f'{b}.ln2.bias']) @ w[f'{b}.mlp.fc.weight']
        x = x + (0.5 * m * (1 + erf(m / np.sqrt(2)))) @ w[f'{b}.mlp.proj.weight']
    h = ln(x, w['ln_f.weight'], w['ln_f.bias'])[np.arange(N), last]
    return (h @ w['score.weight'])[:, 0], h

IDS = np.array([[4, 7, 2, 9, 5, 3, 0, 0], [6, 2, 10, 4, 4, 8, 7, 3], [2, 5, 3, 0, 0, 0, 0, 0]])
LAST = np.array([5, 7, 2])
COEF = np.array([1.0, -2.0, 0.5])  # the scalar whose gradient is checked: Σ coef_i · r_i
PICKS = [('tok_emb.weight', (4, 3)), ('tok_emb.weight', (3, 0)), ('pos_emb.weight', (2, 1)), ('blocks.0.attn.q.weight', (1, 2)),
         ('blocks.1.attn.k.weight', (3, 0)), ('blocks.0.attn.v.weight', (0, 5)), ('blocks.1.attn.o.weight', (6, 6)),
         ('blocks.0.mlp.fc.weight', (4, 7)), ('blocks.1.mlp.proj.weight', (9, 3)), ('blocks.1.ln2.weight', (5,)),
         ('blocks.0.ln1.bias', (2,)), ('ln_f.bias', (2,)), ('score.weight', (6, 0))]

w = formula_weights()
r, h = forward(w, IDS, LAST)
grads = []
for name, idx in PICKS:
    def f(delta):
        w2 = {k: v.copy() for k, v in w.items()}
        w2[name][idx] += delta
        return float(COEF @ forward(w2, IDS, LAST)[0])
    e = 1e-6
    grads.append([name, list(idx), float('%.10g' % ((f(e) - f(-e)) / (2 * e)))])
print(json.dumps({'rewards': [float('%.10g' % v) for v in r], 'hidden0': [float('%.10g' % v) for v in h[0]], 'grads': grads}, indent=1))
