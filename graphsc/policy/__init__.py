"""Policy as code: a team's rules over the graph's facts and license findings, with waivers (``graphsc check``).

``load_policy`` reads a ``graphsc-policy.toml`` (format: ``policy.schema.json``, example: ``example-policy.toml``),
``check_policy`` evaluates it over a ``GraphState``, a ``LicenseReport`` and the datasets' records and lineage
(``policy_datasets``) within a ``Scope``.
"""

from graphsc.policy.datasets import PolicyDatasets, policy_datasets
from graphsc.policy.evaluate import CheckResult, Hop, Scope, Violation, check_policy
from graphsc.policy.load import example_policy_text, find_policy, load_policy, parse_policy, policy_schema
from graphsc.policy.model import POLICY_FILE, Policy, PolicyError, PolicyProblem, PolicyRule, Waiver

__all__ = [
    "POLICY_FILE",
    "CheckResult",
    "Hop",
    "Policy",
    "PolicyDatasets",
    "PolicyError",
    "PolicyProblem",
    "PolicyRule",
    "Scope",
    "Violation",
    "Waiver",
    "check_policy",
    "example_policy_text",
    "find_policy",
    "load_policy",
    "parse_policy",
    "policy_datasets",
    "policy_schema",
]
