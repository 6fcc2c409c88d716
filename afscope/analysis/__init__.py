"""Questions across traces: which sentences, and which kinds of sentence, move an outcome.

Headless (no Textual): ``afscope rank``/``afscope tags`` and the explorer's ``R`` and ``S``
screens call the same functions. ``frame.sentence_frame`` reads the importance, rates and
sentences tables once into one frame; ``rank`` sorts it, ``tags`` summarises it by tag,
rule category or note; ``categories`` assigns categories from regular expressions;
``notes`` keeps the researcher's own categories, notes and place outside the bundle.
"""
