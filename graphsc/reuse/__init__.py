"""Beyond licenses: what the seed studies of model reuse found missing or risky, measured along the chain.

- ``completeness`` / ``audit``: which reuse attributes a model's card and record give (license, confirmed base,
  training data, evaluation results, task, library, card), scored, for a model and every ancestor, and as
  distributions over the graph; ``performance``: the results cards claim, a derivative's next to its base's;
- ``risks``: model-file risks (pickle-only weights, custom code, the Hub's scan, disabled repositories), a model's own
  and those it inherits from the ancestors it loads;
- ``trends``: derivatives, license categories and documentation over time.

Inputs are the store's records (``Model``, edges, ``ModelDetails``, ``EvalResult``); nothing here talks to the
terminal.
"""
