"""From license clauses to obligations, and from dropped obligations to findings.

An *obligation* is what a license imposes on what is made from it (derivatives, models trained on it, software
using it): e.g. "stay non-commercial", "carry use restrictions of policy rail", "stay in family gpl/agpl",
"name starts with Llama". It is built from the table's clauses only. A license *satisfies* an obligation when
its own clauses fulfil it; satisfaction is three-valued (True / False / None = cannot tell, unknown license).

A *rule* says what dropping an obligation along an edge kind is called and how severe it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from graphsc.license_table.normalize import NormalizedLicense, Tree
from graphsc.license_table.table import License, LicenseTable, default_table
from graphsc.records import NO_LICENSE, NOT_FETCHED

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

ObligationKind = Literal[
    "non_commercial",
    "use_restrictions",
    "share_alike",
    "same_license",
    "agreement_copy",
    "no_derivatives",
    "naming",
    "improving_other_models",
    "notice",
    "user_threshold",
    "unknown_terms",
    "merge_incompatible",
]

# What identifies an obligation when combining: (kind, requires, prefix); see ``Obligation.key``.
ObligationKey = tuple[str, frozenset[str], str | None]

PERMISSIVE_CATEGORIES = frozenset({"permissive", "public-domain"})
# Obligations a derivative cannot check from metadata (a notice file kept, a user count): carried down every edge
# untouched and reported on repository/Space use as an ``info`` "check this obligation".
ON_USE_ONLY = frozenset({"notice", "user_threshold"})


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty a license passes downstream.

    ``requires``: tokens of which a satisfying license must have one (see ``tokens_of``); ``prefix``: the
    required name prefix (naming); ``clauses``: citations behind it. ``distills``: the duty also binds a model
    trained on this model's outputs (it crosses ``distillation`` edges); ``outputs_only``: it binds *only* such a
    model (it crosses no other edge). ``on_uses``: checked against repositories/Spaces using the model.
    """

    kind: ObligationKind
    origin: str
    requires: frozenset[str] = frozenset()
    prefix: str | None = None
    clauses: tuple[str, ...] = ()
    on_uses: bool = False
    notice: str | None = None
    distills: bool = False
    outputs_only: bool = False

    @property
    def key(self) -> ObligationKey:
        """Identity for combining: two licenses imposing the same requirement impose one obligation."""
        return (self.kind, self.requires, self.prefix)


@dataclass(frozen=True, slots=True)
class Rule:
    """What dropping an obligation on an edge is called (``kind``) and how severe it is."""

    id: str
    kind: str
    severity: Severity
    description: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("D-NC", "non_commercial_dropped", "error", "derivative grants commercial use its ancestor does not"),
        Rule(
            "D-UR",
            "use_restrictions_dropped",
            "error",
            "derivative's license does not carry the ancestor's use-based restrictions",
        ),
        Rule(
            "D-SA",
            "share_alike_violated",
            "error",
            "derivative not licensed under a license the ancestor's share-alike/copyleft terms accept",
        ),
        Rule(
            "D-RELIC-PERM",
            "relicensed_permissive",
            "error",
            "derivative relicensed permissively though the ancestor allows its derivatives only under its own agreement",
        ),
        Rule(
            "D-RELIC",
            "relicensed",
            "warning",
            "derivative under another license though the ancestor allows its derivatives only under its own agreement",
        ),
        Rule(
            "D-COPY",
            "agreement_copy_missing",
            "warning",
            "derivative's license does not include the ancestor's agreement, a copy of which must accompany derivatives",
        ),
        Rule("D-ND", "no_derivatives_violated", "error", "derivative published of a no-derivatives model"),
        Rule("D-NAME", "naming_requirement", "warning", "derivative's name does not begin with the required prefix"),
        Rule(
            "D-OUTPUTS",
            "outputs_improve_other_models",
            "error",
            "model trained on a model's outputs, which its license forbids using to improve other models",
        ),
        Rule(
            "D-UNK-CHILD",
            "unknown_license_in_chain",
            "warning",
            "license unknown (none declared, or not one graphsc can judge) while its ancestors or training data "
            "impose obligations",
        ),
        Rule(
            "D-UNK-BASE",
            "unknown_license_in_chain",
            "info",
            "an ancestor's license is unknown: the derivative's license cannot be verified",
        ),
        Rule(
            "M-INCOMPAT",
            "merge_incompatible",
            "error",
            "merge of parents whose obligations no license can meet together",
        ),
        Rule(
            "T-NC",
            "restricted_training_data",
            "warning",
            "trained on non-commercial data but licensed for commercial use",
        ),
        Rule(
            "T-OTHER",
            "restricted_training_data",
            "info",
            "trained on data whose license terms the model's license drops",
        ),
        Rule(
            "U-NC",
            "non_commercial_dropped",
            "warning",
            "repository/Space license grants commercial use of a non-commercial model",
        ),
        Rule(
            "U-UR",
            "use_restrictions_dropped",
            "warning",
            "repository/Space license does not carry the model's use-based restrictions",
        ),
        Rule(
            "U-SA",
            "share_alike_violated",
            "warning",
            "repository/Space license not one the model's copyleft terms accept",
        ),
        Rule(
            "U-NOTICE",
            "notice_required",
            "info",
            "repository/Space uses a model whose license requires a notice on redistribution",
        ),
        Rule(
            "U-THRESHOLD",
            "user_threshold",
            "info",
            "repository/Space uses a model whose license requires a separate license above a monthly-active-user threshold",
        ),
    )
}

_DERIVED_RULE_BY_KIND: dict[str, str] = {
    "non_commercial": "D-NC",
    "use_restrictions": "D-UR",
    "share_alike": "D-SA",
    "no_derivatives": "D-ND",
    "naming": "D-NAME",
    "unknown_terms": "D-UNK-BASE",
    "merge_incompatible": "M-INCOMPAT",
    "agreement_copy": "D-COPY",
    "improving_other_models": "D-OUTPUTS",
}
_USES_RULE_BY_KIND: dict[str, str] = {
    "non_commercial": "U-NC",
    "use_restrictions": "U-UR",
    "share_alike": "U-SA",
    "notice": "U-NOTICE",
    "user_threshold": "U-THRESHOLD",
}


# How a missing license reads (``graphsc.records.NO_LICENSE`` for a fetched model declaring nothing, ``NOT_FETCHED``
# for a model known only as someone's base) is also the origin of that model's ``unknown_terms`` obligation.
NOT_IN_TABLE = "not in the license table"


def _accepted_ids(lic: License, clause_name: str) -> frozenset[str]:
    """``id:`` tokens of the license and of the versions/licenses its clause also accepts."""
    found = lic.clause(clause_name)
    extra = found.compatible if found is not None else ()
    return frozenset(f"id:{i}" for i in (lic.id, *extra))


def obligations_of(lic: License) -> tuple[Obligation, ...]:
    """The obligations a single license imposes downstream, read from its clauses (see ``licenses.toml``).

    A license whose definitions count distilled models as derivatives (``distillation_is_derivative``) passes all
    of them across distillation edges; otherwise only the clauses that bind outputs do (``outputs_non_commercial``,
    ``improving_other_models``, a ``naming`` clause marked ``outputs``).
    """
    if lic.status != "known":
        return (Obligation("unknown_terms", lic.id, clauses=(f"{lic.id}: license terms unknown",)),)
    distills = bool(lic.value("distillation_is_derivative"))
    out: list[Obligation] = []
    commercial = lic.clause("commercial_use")
    if commercial is not None and commercial.value is False:
        outputs = lic.clause("outputs_non_commercial")
        binds_outputs = outputs is not None and bool(outputs.value)
        cites = (commercial.cite(lic.id), *([outputs.cite(lic.id)] if binds_outputs and outputs else []))
        out.append(
            Obligation(
                "non_commercial",
                lic.id,
                frozenset({"nc"}),
                clauses=cites,
                on_uses=True,
                distills=distills or binds_outputs,
            )
        )
    use_restrictions = lic.clause("use_restrictions_must_pass")
    if use_restrictions is not None and use_restrictions.value:
        out.append(
            Obligation(
                "use_restrictions",
                lic.id,
                frozenset({f"ur:{use_restrictions.policy}"}),
                clauses=(use_restrictions.cite(lic.id),),
                on_uses=True,
                distills=distills,
            )
        )
    copyleft = lic.clause("copyleft")
    if copyleft is not None:
        out.append(
            Obligation(
                "share_alike",
                lic.id,
                _accepted_ids(lic, "copyleft"),
                clauses=(copyleft.cite(lic.id),),
                on_uses=copyleft.value != "weak",
                distills=distills,
            )
        )
    copy_clauses: tuple[tuple[str, ObligationKind], ...] = (
        ("derivatives_same_license", "same_license"),
        ("agreement_copy", "agreement_copy"),
    )
    for clause_name, kind in copy_clauses:
        clause = lic.clause(clause_name)
        if clause is not None and clause.value:
            out.append(
                Obligation(
                    kind, lic.id, _accepted_ids(lic, clause_name), clauses=(clause.cite(lic.id),), distills=distills
                )
            )
    no_derivatives = lic.clause("no_derivatives")
    if no_derivatives is not None and no_derivatives.value:
        out.append(
            Obligation("no_derivatives", lic.id, frozenset(), clauses=(no_derivatives.cite(lic.id),), distills=distills)
        )
    naming = lic.clause("naming")
    if naming is not None and naming.value:
        out.append(
            Obligation(
                "naming",
                lic.id,
                prefix=naming.value,
                clauses=(naming.cite(lic.id),),
                distills=distills or naming.outputs,
            )
        )
    improving = lic.clause("improving_other_models")
    if improving is not None and improving.value is False:
        out.append(
            Obligation(
                "improving_other_models",
                lic.id,
                _accepted_ids(lic, "improving_other_models"),
                clauses=(improving.cite(lic.id),),
                distills=True,
                outputs_only=not distills,
            )
        )
    notices = [c for c in (lic.clause("notice"), lic.clause("documentation_notice")) if c is not None and c.value]
    if notices:
        out.append(
            Obligation(
                "notice",
                lic.id,
                frozenset({f"id:{lic.id}"}),
                clauses=tuple(c.cite(lic.id) for c in notices),
                on_uses=True,
                notice=" / ".join(str(c.value) for c in notices),
                distills=distills,
            )
        )
    threshold = lic.clause("user_threshold")
    if threshold is not None and threshold.value:
        out.append(
            Obligation(
                "user_threshold",
                lic.id,
                frozenset({f"id:{lic.id}"}),
                prefix=None,
                clauses=(threshold.cite(lic.id),),
                on_uses=True,
                notice=f"{threshold.value:,} monthly active users",
                distills=distills,
            )
        )
    return tuple(out)


def tokens_of(lic: License) -> frozenset[str]:
    """What a known license offers towards obligations: ``id:<id>``, ``nc``, ``use_restrictions:<policy>``."""
    tokens = {f"id:{lic.id}"}
    if lic.value("commercial_use") is False:
        tokens.add("nc")
    use_restrictions = lic.clause("use_restrictions_must_pass")
    if use_restrictions is not None and use_restrictions.value:
        tokens.add(f"ur:{use_restrictions.policy}")
    return frozenset(tokens)


def _carries_policy(lic: License, required: str, table: LicenseTable) -> bool | None:
    """Does ``lic`` carry use restrictions that include all of policy ``required``'s (``Policy.satisfies``)?
    None when it may, depending on a variant the license id leaves unspecified."""
    use_restrictions = lic.clause("use_restrictions_must_pass")
    if use_restrictions is None or not use_restrictions.value:
        return False
    if use_restrictions.policy == required:
        return True
    have, want = table.policies.get(use_restrictions.policy or ""), table.policies.get(required)
    return False if have is None or want is None else have.satisfies(want)


def _leaf_satisfies(lic: License | None, ob: Obligation, table: LicenseTable | None = None) -> bool | None:
    """Does one license of the table (None: not in it) satisfy ``ob``? None when it cannot be told."""
    if lic is None or lic.status != "known":
        return True if ob.kind in ("unknown_terms", *ON_USE_ONLY) else None
    if ob.kind in ON_USE_ONLY or ob.kind == "naming":
        return True
    if ob.kind in ("unknown_terms", "merge_incompatible", "no_derivatives", "improving_other_models"):
        return False  # improving_other_models: met only by lineage (``engine._Propagation._decide``)
    if ob.kind == "use_restrictions":
        return _kleene_any([_carries_policy(lic, r.removeprefix("ur:"), table or default_table()) for r in ob.requires])
    return bool(ob.requires & tokens_of(lic))


def _kleene_any(values: list[bool | None]) -> bool | None:
    """Three-valued "any": True when one value is True, else None when one cannot be told, else False. How the
    parts of ``a AND b`` satisfy an obligation: the licensee complies with every part, so one satisfying part is
    enough."""
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _kleene_all(values: list[bool | None]) -> bool | None:
    """Three-valued "all": False when one value is False, else None when one cannot be told, else True. How the
    parts of ``a OR b`` satisfy an obligation: the licensee may pick any part, so every part must satisfy it."""
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


@dataclass(frozen=True, slots=True)
class Profile:
    """A declared license prepared for the engine: what it imposes, whether it is judgeable, permissive."""

    license: NormalizedLicense
    imposed: tuple[Obligation, ...]
    permissive: bool
    unknown: bool
    fetched: bool = True  # False: a stub known only as someone's base, declaring nothing

    def satisfies(self, ob: Obligation) -> bool | None:
        """Does this license fulfil ``ob``? None when it cannot be told (unknown or unresolved license)."""
        return _license_satisfies(self.license, ob)

    @property
    def label(self) -> str:
        """How the license reads in reports: ``(not fetched)`` for a stub, else the canonical text, else what was
        declared (an unrecognised license as written; a card's license_name/link given without a license id),
        else ``(no license)``."""
        if not self.fetched:
            return NOT_FETCHED
        norm = self.license
        if norm.status == "none":
            return norm.license_name or norm.license_link or NO_LICENSE
        text = norm.canonical_text() or (norm.raw.strip() if norm.raw else None)
        return text or NO_LICENSE


def _tree_of(norm: NormalizedLicense) -> Tree | None:
    """The expression tree of a normalised license: its parsed tree, a single ``lic`` leaf, or None (nothing
    the table knows)."""
    if norm.tree is not None:
        return norm.tree
    if norm.id is not None:
        return ("lic", norm.id, norm.raw or norm.id, None)
    return None


def _tree_satisfies(tree: Tree, table: LicenseTable, ob: Obligation) -> bool | None:
    """Does a license expression satisfy ``ob``? Leaves by ``_leaf_satisfies`` (a ``WITH`` exception's license
    too), ``and``/``or`` nodes three-valued (``_kleene_any`` / ``_kleene_all``)."""
    if tree[0] == "lic":
        _, lid, _raw, with_id = tree
        value = _leaf_satisfies(table.licenses.get(lid) if lid else None, ob, table)
        if with_id is not None and with_id in table.licenses:
            value = _kleene_any([value, _leaf_satisfies(table.licenses[with_id], ob, table)])
        return value
    op, children = tree
    values = [_tree_satisfies(child, table, ob) for child in children]
    if op == "and" and ob.kind in EXCLUSIVE and True in values:
        # copyleft / "only under this agreement" admit no further restriction (GPL-3.0 §10, CC BY-SA 4.0
        # §2(a)(5)(B), DeepFloyd §2(d)): every other part must satisfy it too or add no terms of its own
        return _kleene_all([True if v is True else _adds_no_terms(c, table) for c, v in zip(children, values)])
    return _kleene_any(values) if op == "and" else _kleene_all(values)


# Obligations that add terms to a work (as opposed to keeping credit or notices, which any license can carry).
RESTRICTING = frozenset(
    {
        "non_commercial",
        "use_restrictions",
        "share_alike",
        "same_license",
        "agreement_copy",
        "no_derivatives",
        "improving_other_models",
    }
)


def _adds_no_terms(tree: Tree, table: LicenseTable) -> bool | None:
    """True when every license in ``tree`` is known and imposes no restricting obligation (MIT, Apache-2.0, ...);
    None when a part is unknown."""
    if tree[0] == "lic":
        lic = table.licenses.get(tree[1]) if tree[1] else None
        if lic is None or lic.status != "known":
            return None
        return not any(o.kind in RESTRICTING for o in obligations_of(lic))
    return _kleene_all([_adds_no_terms(child, table) for child in tree[1]])


@lru_cache(maxsize=1 << 14)
def _license_satisfies(norm: NormalizedLicense, ob: Obligation) -> bool | None:
    """Does a normalised license satisfy ``ob``? (cached ``_tree_satisfies``; see ``Profile.satisfies``)"""
    tree = _tree_of(norm)
    if tree is None:
        return _leaf_satisfies(None, ob)
    return _tree_satisfies(tree, default_table(), ob)


def _unrecognised(text: str) -> Obligation:
    """The ``unknown_terms`` obligation of a declared license (or expression symbol) the table does not know."""
    return Obligation("unknown_terms", text, clauses=(f"{text}: {NOT_IN_TABLE}",))


def _join_unknown(obs: list[Obligation], op: str) -> Obligation:
    """Several ``unknown_terms`` obligations of one expression as one: the unknown parts joined by ``op``
    (``acme-1.0 OR acme-2.0``), every part's clauses kept, so no unknown part goes unnamed."""
    origins = list(dict.fromkeys(o.origin for o in obs))
    if len(origins) == 1:
        return obs[0]
    joiner = f" {op.upper()} "
    wrapped = [f"({o})" if (" AND " in o or " OR " in o) else o for o in origins]
    clauses = tuple(dict.fromkeys(c for o in obs for c in o.clauses))
    return Obligation("unknown_terms", joiner.join(wrapped), clauses=clauses)


def _tree_obligations(tree: Tree, table: LicenseTable) -> dict[ObligationKey, Obligation]:
    """The obligations a license expression imposes, by ``Obligation.key``: every part's for ``and``, those
    common to all parts for ``or`` (the licensee may pick any); unknown terms of several parts joined."""
    if tree[0] == "lic":
        _, lid, raw, with_id = tree
        lic = table.licenses.get(lid) if lid else None
        obs = obligations_of(lic) if lic else (_unrecognised(raw),)
        found = {o.key: o for o in obs}
        if with_id is not None and with_id in table.licenses:
            found.update({o.key: o for o in obligations_of(table.licenses[with_id])})
        return found
    op, children = tree
    parts = [_tree_obligations(child, table) for child in children]
    if op == "and":
        merged = {k: v for part in parts for k, v in part.items()}
    else:
        common = set(parts[0]).intersection(*parts[1:])
        merged = {k: parts[0][k] for k in parts[0] if k in common}
    for k, ob in merged.items():
        if ob.kind == "unknown_terms":
            merged[k] = _join_unknown([part[k] for part in parts if k in part], op)
    return merged


def _tree_permissive(tree: Tree, table: LicenseTable) -> bool:
    """Is a license expression permissive: every part for ``and``, one part for ``or``, known and in a
    permissive category?"""
    if tree[0] == "lic":
        lic = table.licenses.get(tree[1]) if tree[1] else None
        return lic is not None and lic.status == "known" and lic.category in PERMISSIVE_CATEGORIES
    values = [_tree_permissive(child, table) for child in tree[1]]
    return all(values) if tree[0] == "and" else any(values)


# The license of a stub known only as someone's base, declaring nothing (with ``profile_of(..., fetched=False)``).
UNFETCHED = NormalizedLicense(raw=None, status="unknown")


def _card_fields(norm: NormalizedLicense) -> str | None:
    """The card's license_name / license_link that identify no license in the table, in words (None: none given)."""
    fields = (("license_name", norm.license_name), ("license_link", norm.license_link))
    given = [f"{name} {value!r}" for name, value in fields if value]
    if not given:
        return None
    return f"{given[0]} is {NOT_IN_TABLE}" if len(given) == 1 else f"{' and '.join(given)} are {NOT_IN_TABLE}"


def _unknown_declared(norm: NormalizedLicense) -> Obligation | None:
    """The ``unknown_terms`` obligation of a declared license whose table entry is not enough to name why its
    terms are unknown: ``other`` not identified by the card, or a license_name/link given without a license id."""
    fields = _card_fields(norm)
    if norm.status == "other":
        why = fields or "no license_name or license_link identifies the license"
        return Obligation("unknown_terms", norm.id or "other", clauses=(f"{norm.id or 'other'}: {why}",))
    if norm.status == "none" and fields:
        origin = norm.license_name or norm.license_link or NO_LICENSE
        return Obligation("unknown_terms", origin, clauses=(f"no license id declared; {fields}",))
    return None


@lru_cache(maxsize=1 << 14)
def profile_of(norm: NormalizedLicense, fetched: bool = True) -> Profile:
    """The engine's view of a normalised license (cached: one per distinct declared license).

    ``fetched`` False means the model is a stub known only as someone's base that declares nothing: its terms are
    unknown because it was never fetched (``norm`` is then ignored; pass ``UNFETCHED``). Otherwise the reasons
    given for unknown terms name what was declared: an unrecognised license or expression symbol, an ``other``
    license the card does not identify, or nothing at all.
    """
    if not fetched or norm == UNFETCHED:
        missing = Obligation("unknown_terms", NOT_FETCHED, clauses=("license not known: model not fetched",))
        return Profile(norm, (missing,), permissive=False, unknown=True, fetched=False)
    table = default_table()
    special = _unknown_declared(norm)
    if special is not None:
        return Profile(norm, (special,), permissive=False, unknown=True)
    tree = _tree_of(norm)
    if tree is None:
        if norm.unresolved:  # not in the table, or not an expression the parser reads
            missing = _join_unknown([_unrecognised(u) for u in norm.unresolved], "and")
        elif norm.raw and norm.raw.strip() and norm.status != "none":
            missing = _unrecognised(norm.raw.strip())
        else:
            missing = Obligation("unknown_terms", NO_LICENSE, clauses=("no license declared",))
        return Profile(norm, (missing,), permissive=False, unknown=True)
    unknown = (
        norm.status in ("unknown", "other", "none")
        or bool(norm.unresolved)
        or any(table.licenses[i].status != "known" for i in norm.ids)
    )
    return Profile(
        norm, tuple(_tree_obligations(tree, table).values()), permissive=_tree_permissive(tree, table), unknown=unknown
    )


def _char_class(c: str) -> str:
    """A character's class for word boundaries in names: digit, upper, lower or separator."""
    return "digit" if c.isdigit() else "upper" if c.isupper() else "lower" if c.isalpha() else "separator"


def name_satisfies(model_id: str, prefix: str) -> bool:
    """Does the model id's name part begin with ``prefix`` as a word? Case and separators are ignored inside the
    prefix (``Llama-3.1-8B-x`` and ``llama3_x`` begin with "Llama 3"), but the prefix must end at a word boundary:
    a separator, the end, a change between letters and digits, or a capital (``LlamaGuard``). So ``Llama-30B`` and
    ``Llama300`` do not begin with "Llama 3", nor ``Llamafied`` with "Llama"."""
    name = model_id.rsplit("/", 1)[-1]
    wanted = [c for c in prefix.lower() if c.isalnum()]
    i = 0
    for want in wanted:
        while i < len(name) and not name[i].isalnum():
            i += 1
        if i == len(name) or name[i].lower() != want:
            return False
        i += 1
    if i == len(name) or not wanted:
        return True
    last, following = _char_class(name[i - 1]), _char_class(name[i])
    if following == "separator" or (last == "digit") != (following == "digit"):
        return True
    return following == "upper" and last == "lower"


def derived_rule(ob: Obligation, child: Profile, satisfied: bool | None) -> Rule:
    """The rule for a derivative that does not (False) or may not (None) satisfy ``ob``."""
    if satisfied is None:
        return RULES["D-UNK-CHILD"]
    if ob.kind == "same_license":
        return RULES["D-RELIC-PERM" if child.permissive else "D-RELIC"]
    return RULES[_DERIVED_RULE_BY_KIND[ob.kind]]


def derived_rule_ids(ob: Obligation) -> list[str]:
    """Every rule a derivative dropping ``ob`` can break (``derived_rule`` picks one by the child's license);
    ``D-UNK-CHILD`` applies when the derivative's license is unknown, except to what is judged without it (a
    name, lineage itself)."""
    if ob.kind == "same_license":
        return ["D-RELIC-PERM", "D-RELIC", "D-UNK-CHILD"]
    found = _DERIVED_RULE_BY_KIND.get(ob.kind)
    if found is None:
        return []
    if ob.kind in ("unknown_terms", "naming", "improving_other_models", "merge_incompatible"):
        return [found]
    return [found, "D-UNK-CHILD"]


def trained_on_rule(ob: Obligation, satisfied: bool | None = False) -> Rule:
    """The rule for a model trained on data whose license obligation ``ob`` the model drops (``satisfied``
    False), or may drop (None: the model's license is unknown, none declared or not judgeable).

    An unknown license is ``D-UNK-CHILD``, as for a derivative (``derived_rule``): "licensed for commercial use"
    (``T-NC``) would not be true of a model that declares no license. Unlike a derivative's, that finding is not
    indeterminate (see ``engine._ConflictDraft.indeterminate``): the model's descendants carry it on, as they would
    a ``T-*`` finding, rather than opening derivative findings of their own for terms of training data."""
    if satisfied is None:
        return RULES["D-UNK-CHILD"]
    return RULES["T-NC" if ob.kind == "non_commercial" else "T-OTHER"]


def trained_on_rule_ids(ob: Obligation) -> list[str]:
    """Every rule a model trained on data under a license imposing ``ob`` can break, when ``ob`` binds trained
    models (``passes_training``): ``trained_on_rule`` picks one by the model's license."""
    return [trained_on_rule(ob).id, "D-UNK-CHILD"] if passes_training(ob) else []


def uses_rule(ob: Obligation) -> Rule | None:
    """The rule for a repository/Space using a model that carries ``ob`` (None: not checked on uses)."""
    if not ob.on_uses:
        return None
    return RULES[_USES_RULE_BY_KIND[ob.kind]]


def passes_training(ob: Obligation, table: LicenseTable | None = None) -> bool:
    """Does a dataset license's obligation bind models trained on the data? Not naming, not what binds only a
    model's outputs, not a notice; not when the dataset license leaves trained models (its Results / Produced
    Works) unrestricted."""
    if ob.kind in ("naming", "unknown_terms", "improving_other_models", *ON_USE_ONLY):
        return False
    lic = (table or default_table()).licenses.get(ob.origin)
    return not (lic is not None and lic.value("results_unrestricted"))


def passes_dataset_derivation(ob: Obligation) -> bool:
    """Does a dataset license's obligation bind a dataset made from the data (``source_datasets: extended|<id>``)?

    A derived dataset copies and adapts the data itself, so every obligation on the data passes, whatever the
    license says of trained models' Results: CC BY-NC 4.0 grants the right to "produce, reproduce, and Share Adapted
    Material for NonCommercial purposes only" (§2(a)(1)(B); NonCommercial defined in §1(i), Adapted Material in
    §1(a)) and "the Adapter's License You apply must not prevent recipients of the Adapted Material from complying
    with this Public License" (§3(a)(4)); a database holding a substantial portion of its contents is itself Adapted
    Material (§4(b)); CC BY-SA 4.0 §3(b) (same license for Adapted Material); CC BY-ND 4.0
    §2(a)(1)(B) (Adapted Material may be produced, not Shared). Not what binds only models (a name prefix, a
    model's outputs), not notices (checked on use), not unknown terms (as for training data: an unknown dataset
    license is not a finding downstream)."""
    return not ob.outputs_only and ob.kind not in ("naming", "unknown_terms", "improving_other_models", *ON_USE_ONLY)


# Obligations a merge must meet together. ``share_alike`` and ``same_license`` are exclusive (the whole must be
# under that license, adding no restriction: GPL-3.0 §10, CC BY-SA 4.0 §2(a)(5)(B), "only under this agreement");
# the others can be met together by declaring every parent's license (``a AND b``).
MERGE_CHECKED = frozenset({"non_commercial", "use_restrictions", "share_alike", "same_license", "agreement_copy"})
EXCLUSIVE = frozenset({"share_alike", "same_license"})


def jointly_satisfiable(obligations: frozenset[Obligation], table: LicenseTable | None = None) -> bool:
    """Can a derivative meet all ``obligations`` of its merged parents at once? Without an exclusive obligation,
    yes (declare every parent's license, ``a AND b``); with one, a single known license of the table must
    satisfy them all."""
    return _meetable_together(frozenset(o for o in obligations if o.kind in MERGE_CHECKED), table or default_table())


@lru_cache(maxsize=1 << 12)
def _meetable_together(obligations: frozenset[Obligation], table: LicenseTable) -> bool:
    """``jointly_satisfiable`` of obligations already narrowed to ``MERGE_CHECKED`` kinds (cached)."""
    if len(obligations) < 2 or not any(o.kind in EXCLUSIVE for o in obligations):
        return True
    for lic in table.licenses.values():
        if (
            lic.status == "known"
            and not lic.names_a_family
            and all(_leaf_satisfies(lic, o, table) for o in obligations)
        ):
            return True
    return False
