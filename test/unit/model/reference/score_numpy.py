# Scores token sequences with a saved Reward Lens model directory using only Python + numpy (+ scipy for erf):
# an executable version of docs/model-format.md. It parses model.safetensors by hand (no safetensors package).
# Usage: python3 score_numpy.py MODEL_DIR '[[ids of sequence 1], [ids of sequence 2], ...]'
#   Each sequence is [prompt…][SEP=2][response…][EOS=3] in compact vocabulary ids (see vocab.json); no padding.
import json, struct, sys
import numpy as np
from scipy.special import erf

def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop('__metadata__', None)
    data = raw[8 + n:]
    dt = {'F32': '<f4', 'I32': '<i4'}
    return {k: np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=dt[v['dtype']]).reshape(v['shape']).astype(np.float64)
            for k, v in header.items()}

def layer_norm(x, g, b, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b

def reward(w, cfg, ids):
    c, eps = cfg['model'], cfg['architecture']['layerNormEps']
    T, D, H = len(ids), c['dModel'], c['nHeads']
    dh = D // H
    x = w['tok_emb.weight'][ids] + w['pos_emb.weight'][:T]           # [T, D]
    future = np.triu(np.ones((T, T), dtype=bool), 1)
    for l in range(c['nLayers']):
        p = f'blocks.{l}.'
        a = layer_norm(x, w[p + 'ln1.weight'], w[p + 'ln1.bias'], eps)
        q, k, v = [(a @ w[p + f'attn.{n}.weight']).reshape(T, H, dh).transpose(1, 0, 2) for n in 'qkv']  # x @ W: W is [in, out]
        s = np.where(future, -np.inf, q @ k.transpose(0, 2, 1) / np.sqrt(dh))
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        x = x + (s @ v).transpose(1, 0, 2).reshape(T, D) @ w[p + 'attn.o.weight']
        u = layer_norm(x, w[p + 'ln2.weight'], w[p + 'ln2.bias'], eps) @ w[p + 'mlp.fc.weight']
        x = x + (0.5 * u * (1 + erf(u / np.sqrt(2)))) @ w[p + 'mlp.proj.weight']
    h = layer_norm(x, w['ln_f.weight'], w['ln_f.bias'], eps)[-1]      # the last token (EOS)
    return float(h @ w['score.weight'][:, 0]), float(np.linalg.norm(h))

if __name__ == '__main__':
    d = sys.argv[1]
    cfg = json.load(open(f'{d}/config.json'))
    w = read_safetensors(f'{d}/model.safetensors')
    print(json.dumps([reward(w, cfg, np.array(s)) for s in json.loads(sys.argv[2])]))
