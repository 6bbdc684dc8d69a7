"""Rule tests: one per clause that travels along an edge, named after the clause it checks."""

from __future__ import annotations

from graphsc.licenses.engine import check_licenses
from graphsc.licenses.findings import LicenseReport
from graphsc.records import Dataset, DerivedFrom, Model, Repo, TrainedOn, Uses

from .checks import kinds, only


def derive(
    base: str | None,
    child: str | None,
    relation: str = "finetune",
    child_id: str = "org/child",
    base_id: str = "org/base",
) -> LicenseReport:
    models = [Model(base_id, license=base, downloads=100), Model(child_id, license=child, downloads=7)]
    return check_licenses(models, [DerivedFrom(child_id, base_id, relation, "test")])


# ── non-commercial (CC BY-NC family, research licenses) ──


def test_cc_by_nc_non_commercial_dropped_by_apache_child() -> None:
    c = only(derive("cc-by-nc-4.0", "apache-2.0"), "non_commercial_dropped")
    assert (c.severity, c.child, c.base, c.relation, c.rule) == ("error", "org/child", "org/base", "finetune", "D-NC")
    assert c.clauses == ("cc-by-nc-4.0.commercial_use: CC BY-NC 4.0 §1(i), §2(a)(1)",)


def test_cc_by_nc_non_commercial_kept_by_nc_sa_child() -> None:
    assert derive("cc-by-nc-4.0", "cc-by-nc-sa-4.0").conflicts == []


def test_cc_by_nc_sa_share_alike_violated_by_cc_by_nc_child() -> None:
    assert kinds(derive("cc-by-nc-sa-4.0", "cc-by-nc-4.0")) == {"share_alike_violated"}


def test_research_license_commercial_use_dropped_by_mit_quantization() -> None:
    assert "non_commercial_dropped" in kinds(derive("apple-amlr", "mit", relation="quantized"))


# ── no-derivatives ──


def test_cc_by_nd_no_derivatives_violated_by_any_derivative() -> None:
    assert kinds(derive("cc-by-nd-4.0", "cc-by-nd-4.0")) == {"no_derivatives_violated"}


# ── share-alike / copyleft ──


def test_cc_by_sa_share_alike_violated_by_mit_child() -> None:
    c = only(derive("cc-by-sa-4.0", "mit"), "share_alike_violated")
    assert "CC BY-SA 4.0 §3(b)" in c.clauses[0]


def test_cc_by_sa_4_share_alike_accepts_gpl_3_child() -> None:
    assert derive("cc-by-sa-4.0", "gpl-3.0").conflicts == []


def test_gpl_copyleft_violated_by_apache_child() -> None:
    assert kinds(derive("gpl-3.0", "apache-2.0")) == {"share_alike_violated"}


def test_gpl_2_or_later_copyleft_kept_by_gpl_3_child() -> None:
    assert derive("gpl-2.0-or-later", "gpl-3.0").conflicts == []


def test_lgpl_weak_copyleft_may_become_gpl() -> None:
    assert derive("lgpl-3.0", "gpl-3.0").conflicts == []
    assert kinds(derive("lgpl-3.0", "mit")) == {"share_alike_violated"}


def test_agpl_network_copyleft_violated_by_gpl_child() -> None:
    assert kinds(derive("agpl-3.0", "gpl-3.0")) == {"share_alike_violated"}


# ── RAIL use-based restrictions ──


def test_creativeml_openrail_use_restrictions_dropped_by_mit_child() -> None:
    c = only(derive("creativeml-openrail-m", "mit"), "use_restrictions_dropped")
    assert "§4(a)" in c.clauses[0] and c.severity == "error"


def test_rail_use_restrictions_kept_by_a_child_whose_list_contains_the_ancestors() -> None:
    # CreativeML's Attachment A (11 items) is contained in BigScience's (13); OpenRAIL++ has CreativeML's list.
    # Only the copy of the ancestor's own license (§4(b)) is missing from the child's declaration.
    assert kinds(derive("creativeml-openrail-m", "bigscience-openrail-m")) == {"agreement_copy_missing"}
    assert kinds(derive("openrail++", "creativeml-openrail-m")) == {"agreement_copy_missing"}
    assert derive("creativeml-openrail-m", "creativeml-openrail-m AND mit").conflicts == []


# ── Llama ──


def test_llama2_agreement_copy_missing_and_use_restrictions_dropped_by_mit_child() -> None:
    report = derive("llama2", "mit", child_id="org/Llama-2-child")
    assert kinds(report) == {"agreement_copy_missing", "use_restrictions_dropped"}
    c = only(report, "agreement_copy_missing")
    assert (c.severity, c.rule) == ("warning", "D-COPY")
    assert c.clauses == (
        "llama2.agreement_copy: Llama 2 Community License §1.b.i (distributing the Llama Materials "
        "or any derivative works thereof: provide a copy of this Agreement)",
    )
    assert only(report, "use_restrictions_dropped").severity == "error"


def test_llama2_has_no_naming_requirement() -> None:
    assert "naming_requirement" not in kinds(derive("llama2", "llama2", child_id="org/my-model"))


def test_llama3_naming_requirement_prefix_llama_3() -> None:
    assert only(derive("llama3", "llama3", child_id="org/my-finetune"), "naming_requirement").severity == "warning"
    assert derive("llama3", "llama3", child_id="org/Llama-3-8B-my-finetune").conflicts == []
    assert derive("llama3", "llama3", child_id="org/llama3_my-finetune").conflicts == []


def test_llama3_naming_prefix_ends_at_a_word_boundary() -> None:
    from graphsc.licenses.rules import name_satisfies

    for name in ("Llama-3-8B-x", "llama3_x", "Llama-3.1-x", "Llama3", "LLAMA-3-instruct", "Llama3B-x"):
        assert name_satisfies(f"org/{name}", "Llama 3"), name
    for name in ("Llama-30B-ft", "Llama300", "my-Llama-3", "Llam-3"):
        assert not name_satisfies(f"org/{name}", "Llama 3"), name
    assert name_satisfies("org/LlamaGuard-x", "Llama") and not name_satisfies("org/Llamafied-x", "Llama")


def test_llama3_1_naming_requirement_violated_by_meta_prefixed_finetune() -> None:
    c = only(derive("llama3.1", "llama3.1", child_id="org/Meta-Llama-3.1-tuned"), "naming_requirement")
    assert "§1.b.i" in c.clauses[0]


def test_llama3_3_naming_requirement_not_applied_to_quantizations() -> None:
    assert derive("llama3.3", "llama3.3", relation="quantized", child_id="org/model-GGUF").conflicts == []


def test_llama3_2_use_restrictions_and_agreement_copy_dropped_by_apache_child() -> None:
    assert kinds(derive("llama3.2", "apache-2.0", child_id="org/Llama-3.2-x")) == {
        "agreement_copy_missing",
        "use_restrictions_dropped",
    }


def test_llama4_child_under_another_restrictive_license_still_misses_the_agreement_copy() -> None:
    report = derive("llama4", "cc-by-nc-4.0", child_id="org/Llama-4-x")
    assert kinds(report) == {"agreement_copy_missing", "use_restrictions_dropped"}


def test_llama_agreement_copy_is_of_that_version() -> None:
    # Llama 3.3's AUP contains 3.1's, so use restrictions pass; but the 3.1 agreement itself must accompany.
    assert kinds(derive("llama3.1", "llama3.3", child_id="org/Llama-3.1-x")) == {"agreement_copy_missing"}
    assert derive("llama3.1", "llama3.1", child_id="org/Llama-3.1-x").conflicts == []


# ── Gemma ──


def test_gemma_use_restrictions_must_pass_dropped_by_openrail_child() -> None:
    report = derive("gemma", "openrail")
    assert kinds(report) == {"use_restrictions_dropped", "agreement_copy_missing"}


# ── permissive ──


def test_permissive_base_allows_any_child_license() -> None:
    for child in ("mit", "cc-by-nc-4.0", "llama3.1", "gpl-3.0", "openrail"):
        assert derive("apache-2.0", child).conflicts == []


# ── unknown / none / other ──


def test_unknown_child_license_under_restricted_base() -> None:
    c = only(derive("cc-by-nc-4.0", None), "unknown_license_in_chain")
    assert (c.severity, c.rule) == ("warning", "D-UNK-CHILD")


def test_unknown_base_license_is_info_at_first_known_descendant() -> None:
    c = only(derive("unknown", "apache-2.0"), "unknown_license_in_chain")
    assert (c.severity, c.rule) == ("info", "D-UNK-BASE")
    assert derive("other", "unknown").conflicts == []


# ── merges ──


def merge(*parents: str | None, child: str = "gpl-3.0") -> LicenseReport:
    models = [Model(f"org/p{i}", license=lic) for i, lic in enumerate(parents)] + [
        Model("org/Llama-merge", license=child)
    ]
    edges = [DerivedFrom("org/Llama-merge", f"org/p{i}", "merge", "test") for i in range(len(parents))]
    return check_licenses(models, edges)


def test_merge_incompatible_non_commercial_and_copyleft_parents() -> None:
    c = only(merge("cc-by-nc-4.0", "gpl-3.0"), "merge_incompatible")
    assert c.bases == ("org/p0", "org/p1") and c.edge == "merge"
    assert {"cc-by-nc-4.0", "gpl-3.0"} <= set(c.origin_licenses)


def test_merge_incompatible_gpl_and_llama_restrictions() -> None:
    assert "merge_incompatible" in kinds(merge("gpl-3.0", "llama3.1", child="llama3.1"))


def test_merge_compatible_parents_carry_all_obligations() -> None:
    report = merge("cc-by-nc-4.0", "cc-by-nc-sa-4.0", child="cc-by-nc-sa-4.0")
    assert report.conflicts == []
    assert kinds(merge("cc-by-nc-4.0", "mit", child="mit")) == {"non_commercial_dropped"}


# ── training data ──


def test_restricted_training_data_non_commercial_dataset_is_a_warning() -> None:
    r = check_licenses(
        [Model("org/m", license="apache-2.0")],
        trained_on=[TrainedOn("org/m", "org/d", "tag")],
        datasets=[Dataset("org/d", "cc-by-nc-4.0")],
    )
    c = only(r, "restricted_training_data")
    assert (c.severity, c.edge, c.base) == ("warning", "trained_on", "org/d")


def test_cdla_results_unrestricted_training_data_binds_nothing() -> None:
    r = check_licenses(
        [Model("org/m", license="mit")],
        trained_on=[TrainedOn("org/m", "org/d", "tag")],
        datasets=[Dataset("org/d", "cdla-sharing-1.0")],
    )
    assert r.conflicts == []


# ── repositories using models ──


def uses(model_license: str, repo_license: str | None) -> LicenseReport:
    return check_licenses(
        [Model("org/m", license=model_license)],
        uses=[Uses("gh/app", "repo", "org/m", "test")],
        repos=[Repo("gh/app", license=repo_license)],
    )


def test_repo_non_commercial_dropped_by_mit_app_using_cc_by_nc_model() -> None:
    c = only(uses("cc-by-nc-4.0", "mit"), "non_commercial_dropped")
    assert (c.edge, c.child, c.child_type, c.base, c.severity) == ("uses", "gh/app", "repo", "org/m", "warning")


def test_repo_use_restrictions_dropped_by_apache_app_using_openrail_model() -> None:
    assert kinds(uses("creativeml-openrail-m", "apache-2.0")) == {"use_restrictions_dropped"}


def test_repo_share_alike_violated_by_mit_app_using_agpl_model_but_not_lgpl() -> None:
    assert kinds(uses("agpl-3.0", "mit")) == {"share_alike_violated"}
    assert uses("lgpl-3.0", "mit").conflicts == []


def test_repo_notice_required_for_llama2_model() -> None:
    c = only(uses("llama2", "mit"), "notice_required")
    assert c.severity == "info" and any("llama2.notice" in s for s in c.clauses)


def test_repo_without_license_is_not_checked() -> None:
    r = uses("cc-by-nc-4.0", None)
    assert r.conflicts == [] and (r.uses.total, r.uses.checkable) == (1, 0)


def test_repo_with_several_licenses_keeps_non_commercial_if_one_is_nc() -> None:
    assert uses("cc-by-nc-4.0", "mit AND cc-by-nc-sa-4.0").conflicts == []
