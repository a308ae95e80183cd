#!/usr/bin/python3
"""Supernet training throughput in PyTorch (Debian's python3-torch), the reference for naskit's
one-shot training in BENCHMARKS.md. The same NB201 supernet as training/nb201_supernet.cc (edges
holding a 1x1 and a 3x3 ReLU-conv-BN without affine batch norm, a 3x3 average pool, the identity and
the zero operation, which adds nothing and is skipped as naskit skips it) and the same steps as
training/one_shot_methods.cc: DARTS first order (an Adam step of the architecture weights on a
validation batch, then an SGD step of the weights on a training batch, both on the softmax
mixture) or a uniform single path (one SGD step per batch), gradient norm clipped at 5, batch 64,
random Fashion-MNIST-shaped data.

usage: /usr/bin/python3 tests/perf/nb201_supernet_pytorch_reference.py darts|single_path THREADS IMAGES [C N SIZE [SEED]]
prints: images_per_second

A single path's cost depends on the operations drawn (a 3x3 convolution costs far more than a
skip), so single-path throughputs are compared as means over several seeds on both sides.
"""
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from nb201_pytorch_reference import Reduction, relu_conv_bn

EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
NONE, SKIP, CONV1, CONV3, POOL = range(5)


class MixedCell(nn.Module):
    def __init__(self, c, path):
        super().__init__()
        self.path = path  # shared with the supernet: {"ops": [...]} or {"weights": tensor}
        self.edges = nn.ModuleList(
            nn.ModuleList([relu_conv_bn(c, c, 1, 1, False), relu_conv_bn(c, c, 3, 1, False),
                           nn.AvgPool2d(3, 1, 1, count_include_pad=False)]) for _ in EDGES)

    def apply(self, e, op, x):
        return x if op == SKIP else self.edges[e][op - 2](x)

    def edge(self, e, x):
        if "ops" in self.path:
            op = self.path["ops"][e]
            return None if op == NONE else self.apply(e, op, x)
        w = self.path["weights"][e]
        return sum(w[op] * self.apply(e, op, x) for op in range(1, 5))

    def forward(self, x):
        nodes = [x]
        for target in range(1, 4):
            total = None
            for e, (src, dst) in enumerate(EDGES):
                if dst != target:
                    continue
                out = self.edge(e, nodes[src])
                if out is not None:
                    total = out if total is None else total + out
            nodes.append(total if total is not None else torch.zeros_like(x))
        return nodes[3]


def supernet(path, c, n, classes, in_channels):
    layers = [nn.Conv2d(in_channels, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c)]
    for stage in range(3):
        if stage:
            layers.append(Reduction(c, 2 * c))
            c *= 2
        layers += [MixedCell(c, path) for _ in range(n)]
    layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes)]
    return nn.Sequential(*layers)


def main():
    method, threads, images = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    c, n, size = (int(v) for v in sys.argv[4:7]) if len(sys.argv) > 6 else (16, 5, 28)
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    path = {}
    model = supernet(path, c, n, 10, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.025, momentum=0.9, nesterov=True, weight_decay=5e-4)
    alphas = (1e-3 * torch.randn(6, 5)).requires_grad_()
    arch_optimizer = torch.optim.Adam([alphas], lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    x, y = torch.randn(images, 1, size, size), torch.randint(0, 10, (images,))
    vx, vy = torch.randn(images, 1, size, size), torch.randint(0, 10, (images,))
    rng = random.Random(seed)
    model.train()
    start = time.perf_counter()
    for begin in range(0, images, 64):
        batch = slice(begin, begin + 64)
        if method == "darts":
            arch_optimizer.zero_grad()
            path.clear()
            path["weights"] = torch.softmax(alphas, 1)
            F.cross_entropy(model(vx[batch]), vy[batch]).backward()
            arch_optimizer.step()
            path["weights"] = torch.softmax(alphas, 1).detach()
        else:
            path.clear()
            path["ops"] = [rng.randrange(5) for _ in EDGES]
        optimizer.zero_grad(set_to_none=True)
        logits = model(x[batch])
        loss = F.cross_entropy(logits, y[batch])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5)
        optimizer.step()
        loss.detach()
        logits.argmax(1).eq(y[batch]).sum()
    print(f"{images / (time.perf_counter() - start):.0f}")


if __name__ == "__main__":
    main()
