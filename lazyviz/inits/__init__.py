"""Initializers: the user-facing registry, deferred application (``defer_init``) and the
comparison of initializers on a model (``lazyviz.inits/1`` records and histograms)."""
