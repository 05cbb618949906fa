# PyTorch twin of src/train/model.ts + losses.ts (bsr) + step.ts: the same parameters (names, shapes, [in, out]
# storage), the same forward (pre-LN, causal mask -1e9, exact GELU, h at lastIdx, bias-free scalar head), the same
# BT+BSR loss (lambda * b * mean(r)^2), global-norm clipping as step.ts (scale = min(1, clip / (norm + 1e-12))) and
# Adam with tfjs's update rule. Used by scripts/bench_torch.py and test/reference/parity_torch.py.
import math
import torch
import torch.nn.functional as F

LN_EPS = 1e-5
MASK_VALUE = -1e9


def param_specs(cfg):
    """Names and shapes in src/train/model.ts parameterSpecs order."""
    D, V, T, FF = cfg['dModel'], cfg['vocabSize'], cfg['maxLen'], cfg['dFF']
    specs = [('tok_emb.weight', (V, D)), ('pos_emb.weight', (T, D))]
    for l in range(cfg['nLayers']):
        b = f'blocks.{l}'
        specs += [(f'{b}.ln1.weight', (D,)), (f'{b}.ln1.bias', (D,)),
                  (f'{b}.attn.q.weight', (D, D)), (f'{b}.attn.k.weight', (D, D)),
                  (f'{b}.attn.v.weight', (D, D)), (f'{b}.attn.o.weight', (D, D)),
                  (f'{b}.ln2.weight', (D,)), (f'{b}.ln2.bias', (D,)),
                  (f'{b}.mlp.fc.weight', (D, FF)), (f'{b}.mlp.proj.weight', (FF, D))]
    specs += [('ln_f.weight', (D,)), ('ln_f.bias', (D,)), ('score.weight', (D, 1))]
    return specs


def init_params(cfg, seed=0):
    """GPT-2 style init like createModel (different random numbers: for benchmarks only)."""
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name, shape in param_specs(cfg):
        if name.endswith('ln1.weight') or name.endswith('ln2.weight') or name == 'ln_f.weight':
            t = torch.ones(shape)
        elif name.endswith('.bias'):
            t = torch.zeros(shape)
        elif name == 'score.weight':
            t = torch.randn(shape, generator=g) / math.sqrt(cfg['dModel'])
        else:
            t = torch.randn(shape, generator=g) * 0.02
        out[name] = t.requires_grad_(True)
    return out


def layer_norm(x, g, b):
    return F.layer_norm(x, (x.shape[-1],), g, b, LN_EPS)


def forward(P, cfg, ids, last_idx):
    N, T = ids.shape
    D, H = cfg['dModel'], cfg['nHeads']
    dh = D // H
    x = P['tok_emb.weight'][ids] + P['pos_emb.weight'][:T]
    mask = torch.triu(torch.full((T, T), MASK_VALUE), diagonal=1)
    for l in range(cfg['nLayers']):
        b = f'blocks.{l}'
        a = layer_norm(x, P[f'{b}.ln1.weight'], P[f'{b}.ln1.bias']).reshape(N * T, D)
        heads = lambda w: (a @ P[f'{b}.attn.{w}.weight']).view(N, T, H, dh).transpose(1, 2)
        q, k, v = heads('q'), heads('k'), heads('v')
        att = torch.softmax((q @ k.transpose(-1, -2)) * (1 / math.sqrt(dh)) + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(N * T, D)
        x = x + (y @ P[f'{b}.attn.o.weight']).view(N, T, D)
        m = layer_norm(x, P[f'{b}.ln2.weight'], P[f'{b}.ln2.bias']).reshape(N * T, D)
        x = x + (F.gelu(m @ P[f'{b}.mlp.fc.weight']) @ P[f'{b}.mlp.proj.weight']).view(N, T, D)
    h = layer_norm(x, P['ln_f.weight'], P['ln_f.bias'])[torch.arange(N), last_idx]
    return (h @ P['score.weight']).view(N)


def bsr_loss(r, pairs, lam):
    rc, rr = r[:pairs], r[pairs:]
    base = F.softplus(-(rc - rr)).mean()
    reg = lam * pairs * r.mean() ** 2
    return base + reg


class TfjsAdam:
    """tf.train.adam's update: w -= lr * m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self, grads):
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            p.sub_(self.lr * (m / c1) / ((v / c2).sqrt() + self.eps))


def train_step(P, cfg, opt, ids, last_idx, pairs, lam, clip):
    """One step of src/train/step.ts. Returns (loss, grad norm before clipping)."""
    params = list(P.values())
    loss = bsr_loss(forward(P, cfg, ids, last_idx), pairs, lam)
    grads = torch.autograd.grad(loss, params)
    norm = torch.sqrt(sum((g * g).sum() for g in grads))
    if clip > 0:
        scale = torch.clamp(clip / (norm + 1e-12), max=1.0)
        grads = [g * scale for g in grads]
    opt.step(grads)
    return loss.item(), norm.item()
