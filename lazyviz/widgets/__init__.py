"""The notebook widgets (anywidget): the graph (``LazyViz``, ``watch``) and the initializer
comparison (``compare_inits``), sharing how their code and pictures reach a notebook."""
