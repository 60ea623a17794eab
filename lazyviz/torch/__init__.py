"""The PyTorch adapter: structure, runs and live watching of an ``nn.Module``, as records.

Hooks and an op mode record a batch through a private copy (``trace``;
``recorder`` puts together ``hooks``, ``op_mode`` and ``end_of_run``, which
write through one ``recording``; ``ops`` names the operations), a private
RNG keeps the global one untouched (``rng``), ``laws`` knows what PyTorch's
initializers draw from, and ``doctor`` names the likely fix of a shape error.
"""
