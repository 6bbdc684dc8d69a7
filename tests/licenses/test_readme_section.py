"""The README's "License propagation" section is checked against the table and the rules it describes."""

from __future__ import annotations

import re

from graphsc.license_table.table import default_table
from graphsc.licenses.rules import RULES
from tests.test_readme import README

SECTION = README[README.index("## License propagation") :]


def test_table_size_quoted_in_the_readme_is_the_tables() -> None:
    table = default_table()
    found = re.search(r"\((\d+) licenses and (\d+) license exceptions\)", SECTION)
    assert found, "the README quotes the table's size as '(N licenses and M license exceptions)'"
    assert (int(found[1]), int(found[2])) == (len(table.licenses), len(table.exceptions))


def test_rules_table_lists_every_rule_with_its_kind_and_severity() -> None:
    rows = re.findall(r"^\|[^|]+\|[^|]+\| ([A-Z-]+) \| `([a-z_]+)` \| (error|warning|info) \|$", SECTION, flags=re.M)
    assert {rule: (kind, severity) for rule, kind, severity in rows} == {
        r.id: (r.kind, r.severity) for r in RULES.values()
    }
    assert len(rows) == len(RULES)
