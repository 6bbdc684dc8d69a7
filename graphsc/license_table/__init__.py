"""What graphsc knows about licenses: the license table (``data/licenses.toml``: ids, aliases, clauses, the text
each was checked against) and the normaliser that maps what a record declares to the table's ids and expressions.

It is vocabulary, used at the edge when records are built (``graphsc.sources``) and by the license engine
(``graphsc.licenses``) above; it imports nothing else of graphsc.
"""
