"""Publication figures: what a figure shows (plain data) and how matplotlib draws it.

``model`` holds the figure data as dataclasses (golden-tested as JSON); ``rates``,
``conditions`` and ``tags`` compute it from the explorer's view models and the analyses
(never a second metrics engine); ``render`` draws it (matplotlib, imported lazily: the
``afscope[figures]`` extra); ``output`` writes the file by afscope's output rules.
"""
