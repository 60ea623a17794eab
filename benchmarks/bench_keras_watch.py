"""What ``lazyviz.watch`` costs a forward of a Keras model (not a test).

    KERAS_BACKEND=torch python benchmarks/bench_keras_watch.py [--forwards 500] [--rounds 3]

A ``keras.Sequential([Dense(256, relu), Dense(10)])`` (torch backend) is
watched, its twin is not; both are built by one forward first. Then
``--forwards`` forwards of the same (64, 20) batch, the two models taking
turns call by call (the one that goes first alternating), each timed with
``time.process_time_ns`` and one torch thread. Printed: the median time per
forward of each and their ratio, per round, and how many forwards the widget
counted (all of them must be counted: one entry in ``w.history``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import torch

import lazyviz


def model() -> keras.Model:
    layers = keras.layers
    return keras.Sequential([layers.Dense(256, activation="relu"), layers.Dense(10)])


def timed(call: object, x: torch.Tensor) -> float:
    start = time.process_time_ns()
    call(x)  # type: ignore[operator]
    return (time.process_time_ns() - start) / 1e3


def one_round(forwards: int) -> tuple[float, float, int]:
    keras.utils.set_random_seed(0)
    watched, plain = model(), model()
    x = torch.rand(64, 20)
    w = lazyviz.watch(watched)
    watched(x)  # builds and is recorded
    plain(x)
    t_watched: list[float] = []
    t_plain: list[float] = []
    for i in range(forwards):
        if i % 2:
            t_watched.append(timed(watched, x))
            t_plain.append(timed(plain, x))
        else:
            t_plain.append(timed(plain, x))
            t_watched.append(timed(watched, x))
    w._flush_counts()
    counted = sum(h["forwards"] for h in w.history)
    w.detach()
    return statistics.median(t_watched), statistics.median(t_plain), counted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forwards", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    torch.set_num_threads(1)
    print(f"keras {keras.__version__}, torch {torch.__version__}, one thread, process time")
    for r in range(opts.rounds):
        watched, plain, counted = one_round(opts.forwards)
        print(
            f"round {r}: watched {watched:8.1f} us/forward, unwatched {plain:8.1f} us/forward, "
            f"ratio {watched / plain:5.2f}, forwards counted {counted}"
        )


if __name__ == "__main__":
    main()
