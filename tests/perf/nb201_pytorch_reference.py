#!/usr/bin/python3
"""Training throughput of the NB201 network in PyTorch (Debian's python3-torch), the reference for
naskit's LibTorch trainer in BENCHMARKS.md. Same skeleton as training/nb201_network.cc, same recipe
(SGD Nesterov 0.9, lr 0.1, weight decay 5e-4, batch 256), random Fashion-MNIST-shaped data.

usage: /usr/bin/python3 tests/perf/nb201_pytorch_reference.py ARCH THREADS IMAGES [C N SIZE]
prints: images_per_second
"""
import sys
import time

import torch
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]


def relu_conv_bn(c_in, c_out, k, stride, affine=True):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, k // 2, bias=False),
                         nn.BatchNorm2d(c_out, affine=affine))


class Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.ops = ops
        self.edges = nn.ModuleList()
        for op in ops:
            if op == "nor_conv_1x1":
                self.edges.append(relu_conv_bn(c, c, 1, 1))
            elif op == "nor_conv_3x3":
                self.edges.append(relu_conv_bn(c, c, 3, 1))
            elif op == "avg_pool_3x3":
                self.edges.append(nn.AvgPool2d(3, 1, 1, count_include_pad=False))
            else:
                self.edges.append(nn.Identity())

    def forward(self, x):
        nodes = [x]
        for target in range(1, 4):
            total = None
            for e, (src, dst) in enumerate(EDGES):
                if dst != target or self.ops[e] == "none":
                    continue
                out = self.edges[e](nodes[src])
                total = out if total is None else total + out
            nodes.append(total if total is not None else torch.zeros_like(x))
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.a = relu_conv_bn(c_in, c_out, 3, 2)
        self.b = relu_conv_bn(c_out, c_out, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.shortcut(x) + self.b(self.a(x))


def network(ops, c, n, classes, in_channels):
    layers = [nn.Conv2d(in_channels, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c)]
    for stage in range(3):
        if stage:
            layers.append(Reduction(c, 2 * c))
            c *= 2
        layers += [Cell(ops, c) for _ in range(n)]
    layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes)]
    return nn.Sequential(*layers)


def main():
    arch, threads, images = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    c, n, size = (int(v) for v in sys.argv[4:7]) if len(sys.argv) > 6 else (16, 5, 28)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    ops = [token.split("~")[0] for node in arch.strip("|").split("|+|") for token in node.split("|")]
    model = network(ops, c, n, 10, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.randn(images, 1, size, size)
    y = torch.randint(0, 10, (images,))
    model.train()
    start = time.perf_counter()
    for begin in range(0, images, 256):
        optimizer.zero_grad()
        logits = model(x[begin:begin + 256])
        loss = nn.functional.cross_entropy(logits, y[begin:begin + 256])
        loss.backward()
        optimizer.step()
        loss.item()
        logits.argmax(1).eq(y[begin:begin + 256]).sum().item()
    print(f"{images / (time.perf_counter() - start):.0f}")


if __name__ == "__main__":
    main()
