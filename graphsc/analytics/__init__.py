"""Whole-graph analytics: lineage depth, families, centrality and impact, NetworkX as the contract.

Every metric runs on the store's compact graph (``graphsc.compact``: CSR arrays, opened in milliseconds, rebuilt
once per store generation) with scipy and numpy, or with graphsc's own searches over CSR lists where no vectorised
form exists; each equals NetworkX's own function on the same graph (tests/analytics/test_networkx_contract.py).
``Analysis(store).graph.to_networkx()`` hands a user the graph as an ``nx.DiGraph`` for anything graphsc does not
compute. Results are plain values that ``graphsc.render`` turns into tables or JSON; the metrics are defined in
docs/analytics.md.
"""
