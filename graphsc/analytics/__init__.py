"""Whole-graph analytics with NetworkX: lineage depth, families, centrality and impact.

Every metric reads the graph through the ``GraphStore`` interface only, builds the smallest NetworkX graph it
needs (integer node ids, only models that have DERIVED_FROM edges) and returns plain results that
``graphsc.render`` turns into tables or JSON. The metrics are defined in docs/analytics.md.
"""
