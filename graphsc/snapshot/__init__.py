"""The graph's state as a diffable value: what ``graphsc snapshot save`` records and ``graphsc diff`` compares.

``state`` reads a store (and its license findings) into a ``GraphState``; ``files`` saves and loads one as a
snapshot file; ``diff`` compares two states.
"""
