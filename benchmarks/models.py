"""Benchmark models: built here so the benchmarks need no torchvision and no downloads."""

from __future__ import annotations

import torch
from torch import nn


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin: int, width: int, stride: int = 1) -> None:
        super().__init__()
        cout = width * self.expansion
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample: nn.Module | None = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += identity
        return self.relu(out)


class ResNet50(nn.Module):
    """ResNet-50's shape: bottleneck blocks [3, 4, 6, 3], 1000 classes."""

    def __init__(self, blocks: tuple[int, ...] = (3, 4, 6, 3)) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        layers, cin = [], 64
        for i, n in enumerate(blocks):
            width = 64 * 2**i
            stage = []
            for j in range(n):
                stage.append(Bottleneck(cin, width, stride=2 if (j == 0 and i > 0) else 1))
                cin = width * 4
            layers.append(nn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, 1000)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def resnet50() -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
    return ResNet50().eval(), (torch.rand(1, 3, 224, 224),)


def transformer() -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
    layer = nn.TransformerEncoderLayer(768, 12, 3072, batch_first=True)
    model = nn.TransformerEncoder(layer, 12, enable_nested_tensor=False).eval()
    return model, (torch.rand(1, 128, 768),)


def lazy_mlp(depth: int = 100) -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.LazyLinear(256), nn.ReLU()]
    return nn.Sequential(*layers).eval(), (torch.rand(2, 20),)


class TinyEncoder(nn.Module):
    """A 2-layer BERT-like encoder on token ids: embedding, then ``nn.TransformerEncoder``."""

    def __init__(self, vocab: int = 1000, dim: int = 128, heads: int = 2, ff: int = 256) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, ff, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.embed(ids))


def tiny_bert() -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
    """A 2-layer, width-128 ``transformers.BertModel`` if installed, else :class:`TinyEncoder`.

    Built from a config (random weights): nothing is downloaded.
    """
    ids = torch.randint(0, 1000, (1, 16), generator=torch.Generator().manual_seed(0))
    try:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import BertConfig, BertModel
    except ImportError:
        return TinyEncoder().eval(), (ids,)
    config = BertConfig(
        hidden_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=256,
        vocab_size=1000,
    )
    return BertModel(config).eval(), (ids,)
