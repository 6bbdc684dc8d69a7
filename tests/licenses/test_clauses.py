"""Issue 11: each license fact checked against its text, one test per clause, named after the clause.

Expected values come from the license texts (quoted in the comments), not from graphsc's output.
"""

from __future__ import annotations

from graphsc.license_table.table import default_table
from graphsc.licenses.engine import check_licenses
from graphsc.licenses.findings import LicenseReport
from graphsc.records import DerivedFrom, Model, Repo, Uses

from .checks import kinds, only

TABLE = default_table()


def derive(base: str, child: str, relation: str = "finetune", child_id: str = "org/child") -> LicenseReport:
    models = [Model("org/base", license=base), Model(child_id, license=child)]
    return check_licenses(models, [DerivedFrom(child_id, "org/base", relation, "test")])


def used_by(model_license: str, repo_license: str = "mit") -> LicenseReport:
    return check_licenses(
        [Model("org/m", license=model_license)],
        uses=[Uses("gh/app", "repo", "org/m", "t")],
        repos=[Repo("gh/app", license=repo_license)],
    )


def source(license_id: str, clause: str) -> str:
    found = TABLE[license_id].clause(clause)
    assert found is not None, f"{license_id} has no {clause}"
    return found.source


# ── qwen-research (Qwen RESEARCH LICENSE AGREEMENT, 2024-09-19) ──


def test_qwen_research_has_no_naming_clause() -> None:
    # §4(b) asks for "Built with Qwen"/"Improved using Qwen" in product documentation, not a name prefix.
    assert TABLE["qwen-research"].clause("naming") is None
    assert derive("qwen-research", "qwen-research", child_id="org/my-research-model").conflicts == []


def test_qwen_research_documentation_notice_is_section_4b() -> None:
    assert source("qwen-research", "documentation_notice").startswith("Qwen Research License §4(b)")
    c = only(used_by("qwen-research", "cc-by-nc-4.0"), "notice_required")
    assert any("qwen-research.documentation_notice: Qwen Research License §4(b)" in s for s in c.clauses)


def test_qwen_research_commercial_use_is_section_2a() -> None:
    assert "§2(a)" in source("qwen-research", "commercial_use") and "§1(i)" in source("qwen-research", "commercial_use")
    assert only(derive("qwen-research", "apache-2.0"), "non_commercial_dropped").rule == "D-NC"


def test_qwen_research_agreement_copy_is_section_3a() -> None:
    assert source("qwen-research", "agreement_copy").startswith("Qwen Research License §3(a)")


# ── qwen (2024) and tongyi-qianwen (2023) ──


def test_qwen_notice_is_the_notice_file_text_of_section_3c() -> None:
    notice = TABLE["qwen"].clause("notice")
    assert (
        notice.value
        == "Qwen is licensed under the Qwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud. All Rights Reserved."
    )
    assert notice.source.startswith("Qwen License Agreement §3(c)")


def test_qwen_documentation_notice_is_section_5b() -> None:
    assert source("qwen", "documentation_notice").startswith("Qwen License Agreement §5(b)")
    assert TABLE["qwen"].clause("naming") is None


def test_qwen_agreement_copy_is_section_3a_and_derivatives_may_add_terms() -> None:
    # §3(d): "may provide additional or different license terms" — a derivative under MIT is not a relicensing,
    # it misses the copy of the agreement.
    assert source("qwen", "agreement_copy").startswith("Qwen License Agreement §3(a)")
    assert TABLE["qwen"].clause("derivatives_same_license") is None
    assert kinds(derive("qwen", "mit")) == {"agreement_copy_missing"}


def test_qwen_user_threshold_100m_is_section_4_and_reported_on_use() -> None:
    threshold = TABLE["qwen"].clause("user_threshold")
    assert threshold.value == 100_000_000 and threshold.source.startswith("Qwen License Agreement §4")
    c = only(used_by("qwen"), "user_threshold")
    assert (c.severity, c.rule, c.child) == ("info", "U-THRESHOLD", "gh/app")
    assert c.dropped == ("separate license above 100,000,000 monthly active users (qwen)",)


def test_tongyi_qianwen_2023_improving_other_models_forbidden_by_section_5b() -> None:
    assert source("tongyi-qianwen", "improving_other_models").startswith("Tongyi Qianwen License Agreement §5(b)")
    assert TABLE["tongyi-qianwen"].clause("documentation_notice") is None  # absent in 2023
    c = only(derive("tongyi-qianwen", "apache-2.0", relation="distillation"), "outputs_improve_other_models")
    assert (c.severity, c.rule) == ("error", "D-OUTPUTS")
    # a fine-tune is a derivative work, not another model improved with the outputs
    assert "outputs_improve_other_models" not in kinds(derive("tongyi-qianwen", "apache-2.0"))


# ── mrl-0.1 / mnpl-0.1 ──


def test_mrl_derivatives_under_other_terms_allowed_by_section_2_3() -> None:
    # §2.3: "You may Distribute any Derivatives made by or for You under additional or different terms"; the
    # research-only limitation of §3.2 still binds them (§4.3), so a non-commercial license keeps it.
    assert TABLE["mrl-0.1"].clause("derivatives_same_license") is None
    assert derive("mrl-0.1", "cc-by-nc-4.0").conflicts == []
    assert kinds(derive("mrl-0.1", "mit")) == {"non_commercial_dropped"}
    assert "§4.3" in source("mrl-0.1", "commercial_use")


def test_mrl_notice_of_section_2_2_is_reported_on_use() -> None:
    c = only(used_by("mrl-0.1", "cc-by-nc-4.0"), "notice_required")
    assert c.dropped == ("notice 'Licensed by Mistral AI under the Mistral AI Research License' (mrl-0.1)",)


def test_mrl_outputs_non_commercial_by_section_4_2() -> None:
    assert source("mrl-0.1", "outputs_non_commercial").startswith("Mistral AI Research License §4.2")
    assert kinds(derive("mrl-0.1", "apache-2.0", relation="distillation")) == {"non_commercial_dropped"}


def test_mnpl_has_no_derivatives_same_license_clause_and_is_marked_unverified() -> None:
    assert TABLE["mnpl-0.1"].clause("derivatives_same_license") is None
    assert TABLE["mnpl-0.1"].text.verified is False
    assert kinds(derive("mnpl-0.1", "cc-by-nc-4.0")) == set()


# ── deepfloyd-if-license ──


def test_deepfloyd_use_restrictions_are_its_own_section_2a_list_not_openrail() -> None:
    ur = TABLE["deepfloyd-if-license"].clause("use_restrictions_must_pass")
    assert ur.policy == "deepfloyd-if" and "§2(a)(ii)-(vi)" in ur.source and "Attachment A" not in ur.source
    assert TABLE.policies["deepfloyd-if"].restrictions == {
        "military_use",
        "surveillance",
        "biometric_processing",
        "infringe_third_party_rights",
        "violate_law",
    }


def test_deepfloyd_derivatives_same_license_is_section_2d_and_attribution_section_3() -> None:
    assert source("deepfloyd-if-license", "derivatives_same_license").startswith("DeepFloyd IF License §2(d)")
    assert source("deepfloyd-if-license", "notice").startswith("DeepFloyd IF License §3(ii)")
    assert "§4" not in source("deepfloyd-if-license", "derivatives_same_license")  # §4 is the disclaimer
    assert only(derive("deepfloyd-if-license", "cc-by-nc-4.0"), "relicensed").severity == "warning"


def test_deepfloyd_outputs_non_commercial() -> None:
    assert kinds(derive("deepfloyd-if-license", "mit", relation="distillation")) == {"non_commercial_dropped"}


# ── RAIL policies and the satisfies relation ──


def test_rail_bloom_use_restrictions_dropped_by_creativeml_child() -> None:
    # BLOOM RAIL's Attachment A has 13 items; CreativeML's 11 lack "machine-generated content undisclosed" and
    # "impersonation", and RAIL §4(a) requires "at minimum the same use-based restrictions".
    c = only(derive("bigscience-bloom-rail-1.0", "creativeml-openrail-m"), "use_restrictions_dropped")
    assert c.severity == "error"


def test_rail_policies_satisfies_relation() -> None:
    p = TABLE.policies
    assert p["creativeml"].satisfies(p["creativeml"]) and p["bigscience"].satisfies(p["creativeml"])
    assert p["creativeml"].satisfies(p["bigscience"]) is False
    assert p["deepseek"].satisfies(p["creativeml"]) is False and p["creativeml"].satisfies(p["deepseek"]) is False
    assert p["bigcode"].satisfies(p["bigscience"]) is False and p["bigscience"].satisfies(p["bigcode"]) is False
    assert TABLE["openrail++"].clause("use_restrictions_must_pass").policy == "creativeml"
    assert p["openrail-any"].satisfies(p["creativeml"]) is None  # the variant is not named


def test_rail_derivatives_same_license_overstated_gemma_and_rail_allow_other_terms() -> None:
    # Gemma §3.1 last paragraph and RAIL §4 last paragraph allow other terms if the restrictions flow down.
    for lic in ("gemma", "creativeml-openrail-m", "bigcode-openrail-m", "deepseek"):
        assert TABLE[lic].clause("derivatives_same_license") is None, lic
    assert kinds(derive("gemma", "apache-2.0")) == {"use_restrictions_dropped", "agreement_copy_missing"}


def test_bigcode_use_restrictions_paragraph_4_sharing_5_1() -> None:
    assert "paragraph 4" in source("bigcode-openrail-m", "use_restrictions_must_pass")
    assert "§5.1" in source("bigcode-openrail-m", "use_restrictions_must_pass")


# ── versions ──


def test_llama_agreement_copy_llama3_1_derivative_declared_llama2() -> None:
    c = only(derive("llama3.1", "llama2", child_id="org/Llama-x"), "agreement_copy_missing")
    assert c.clauses[0].startswith("llama3.1.agreement_copy: Llama 3.1 Community License §1.b.i(A)")


def test_llama3_2_use_restrictions_not_carried_by_llama3_1_policy() -> None:
    # The 3.2 AUP adds 1.h (circumvent safety), 5 (third-party unlawful tools) and biological/chemical weapons laws.
    assert "use_restrictions_dropped" in kinds(derive("llama3.2", "llama3.1", child_id="org/Llama-x"))
    assert "use_restrictions_dropped" not in kinds(derive("llama3.1", "llama3.2", child_id="org/Llama-x"))


def test_copyleft_gpl_2_0_only_not_satisfied_by_gpl_3_0() -> None:
    assert kinds(derive("gpl-2.0", "gpl-3.0")) == {"share_alike_violated"}
    assert derive("gpl-2.0-or-later", "gpl-3.0").conflicts == []


def test_copyleft_cc_by_sa_4_0_not_satisfied_by_an_earlier_version() -> None:
    assert kinds(derive("cc-by-sa-4.0", "cc-by-sa-3.0")) == {"share_alike_violated"}
    assert derive("cc-by-sa-3.0", "cc-by-sa-4.0").conflicts == []
    assert kinds(derive("cc-by-sa-4.0", "gpl-2.0")) == {"share_alike_violated"}  # CC declared GPLv3 only


# ── citations ──


def test_gemma_section_3_1_conditions_are_numbered() -> None:
    assert source("gemma", "use_restrictions_must_pass").startswith("Gemma Terms of Use §3.1 condition 1")
    assert source("gemma", "agreement_copy").startswith("Gemma Terms of Use §3.1 condition 2")
    assert source("gemma", "notice").startswith("Gemma Terms of Use §3.1 condition 4")


def test_fair_nc_commercial_use_1_b_i_and_same_license_1_b_ii() -> None:
    assert source("fair-noncommercial-research-license", "commercial_use").startswith(
        "FAIR Noncommercial Research License §1.b.i"
    )
    assert source("fair-noncommercial-research-license", "derivatives_same_license").startswith(
        "FAIR Noncommercial Research License §1.b.ii"
    )


def test_cdla_results_unrestricted_sections() -> None:
    assert source("cdla-permissive-1.0", "results_unrestricted").startswith("CDLA-Permissive-1.0 §3.4")
    assert source("cdla-permissive-2.0", "results_unrestricted").startswith("CDLA-Permissive-2.0 §3.1")
    assert source("cdla-permissive-2.0", "attribution").startswith("CDLA-Permissive-2.0 §2.1 ")
    assert source("cdla-sharing-1.0", "copyleft").startswith("CDLA-Sharing-1.0 §3.1(a)")
    assert "§3.3" in source("cdla-sharing-1.0", "copyleft")
    assert source("cdla-sharing-1.0", "results_unrestricted").startswith("CDLA-Sharing-1.0 §3.5")


def test_openmdw_attribution_cites_no_numbered_section() -> None:
    for lic in ("openmdw-1.0", "openmdw-1.1"):
        assert "§" not in source(lic, "attribution") and "fourth paragraph" in source(lic, "attribution")


def test_apple_ascl_spdx_is_not_the_invented_ascl() -> None:
    assert TABLE["apple-ascl"].spdx != "ASCL"


def test_apple_amlr_notice_of_section_2() -> None:
    notice = TABLE["apple-amlr"].clause("notice")
    assert notice.value.startswith("Apple Machine Learning Research Model is licensed under")
    assert notice.source.startswith("Apple ML Research Model License §2")


# ── outputs and distillation ──


def test_llama2_improving_other_models_forbidden_for_distilled_models() -> None:
    # §1.b.v: "You will not use ... any output or results of the Llama Materials to improve any other large
    # language model (excluding Llama 2 or derivative works thereof)".
    assert "outputs_improve_other_models" in kinds(derive("llama2", "apache-2.0", relation="distillation"))
    assert "outputs_improve_other_models" not in kinds(derive("llama2", "apache-2.0"))
    # declaring the teacher's license does not make a student a derivative work of it
    assert "outputs_improve_other_models" in kinds(derive("llama2", "llama2", relation="distillation"))
    assert "outputs_improve_other_models" in kinds(derive("llama2", "apache-2.0 AND llama2", relation="distillation"))
    # a student that is itself a fine-tune of a Llama 2 model is excluded
    models = [
        Model("org/teacher", license="llama2"),
        Model("org/llama-2-7b", license="llama2"),
        Model("org/Llama-2-student", license="llama2"),
    ]
    edges = [
        DerivedFrom("org/Llama-2-student", "org/teacher", "distillation", "t"),
        DerivedFrom("org/Llama-2-student", "org/llama-2-7b", "finetune", "t"),
    ]
    assert check_licenses(models, edges).conflicts == []


def test_grok2_improving_other_models_not_met_by_declaring_grok2() -> None:
    # §2.b excepts only "modifications or fine-tuning of Grok 2"
    assert "outputs_improve_other_models" in kinds(
        derive("grok2-community", "grok2-community", relation="distillation")
    )


def test_llama3_1_naming_binds_models_trained_on_outputs() -> None:
    c = only(derive("llama3.1", "apache-2.0", relation="distillation", child_id="org/tiny"), "naming_requirement")
    assert "outputs" in c.clauses[0]
    assert "naming_requirement" not in kinds(
        derive("llama3.1", "apache-2.0", relation="distillation", child_id="org/Llama-tiny")
    )


def test_llama3_naming_does_not_bind_models_trained_on_outputs() -> None:
    # Llama 3 §1.b.i names models made "with the Llama Materials" only; §1.b.v binds its outputs instead.
    found = kinds(derive("llama3", "apache-2.0", relation="distillation", child_id="org/tiny"))
    assert found == {"outputs_improve_other_models"}


def test_distillation_is_derivative_for_gemma_and_rail_not_for_cc_by_nc() -> None:
    assert kinds(derive("gemma", "apache-2.0", relation="distillation")) == {
        "use_restrictions_dropped",
        "agreement_copy_missing",
    }
    assert "use_restrictions_dropped" in kinds(derive("creativeml-openrail-m", "mit", relation="distillation"))
    assert derive("cc-by-nc-4.0", "apache-2.0", relation="distillation").conflicts == []
    assert derive("apache-2.0", "cc-by-nc-4.0", relation="distillation").conflicts == []


def test_fair_nc_outputs_non_commercial_along_distillation() -> None:
    assert kinds(derive("fair-noncommercial-research-license", "mit", relation="distillation")) == {
        "non_commercial_dropped"
    }


# ── multi-license cards and merges ──


def test_multi_license_card_llama3_1_adapter_declaring_llama3_1_and_mit() -> None:
    # license: [llama3.1, mit] is stored as "llama3.1 AND mit": the base's agreement plus the adapter's own.
    report = derive("llama3.1", "llama3.1 AND mit", relation="adapter", child_id="org/Llama-3.1-adapter")
    assert report.conflicts == []


def test_merge_of_parents_with_different_use_restrictions_is_licensable_by_declaring_both() -> None:
    models = [
        Model("org/a", license="llama3.1"),
        Model("org/b", license="gemma"),
        Model("org/Llama-merge", license="llama3.1 AND gemma"),
    ]
    edges = [DerivedFrom("org/Llama-merge", p, "merge", "t") for p in ("org/a", "org/b")]
    assert check_licenses(models, edges).conflicts == []


def test_merge_with_an_exclusive_copyleft_parent_is_incompatible() -> None:
    models = [Model("org/a", license="gpl-3.0"), Model("org/b", license="llama3.1"), Model("org/m", license="gpl-3.0")]
    edges = [DerivedFrom("org/m", p, "merge", "t") for p in ("org/a", "org/b")]
    assert "merge_incompatible" in kinds(check_licenses(models, edges))


# ── Hub ids ──


def test_grok2_community_improving_other_models_section_2b() -> None:
    grok = TABLE["grok2-community"]
    assert grok.text.verified is False and grok.text.note
    assert source("grok2-community", "improving_other_models").startswith("Grok 2 Community License §2.b")
    assert "outputs_improve_other_models" in kinds(derive("grok2-community", "apache-2.0", relation="distillation"))


def test_openmdw_1_1_is_permissive_with_attribution() -> None:
    assert TABLE["openmdw-1.1"].category == "permissive"
    assert derive("openmdw-1.1", "cc-by-nc-4.0").conflicts == []


def test_llama1_license_is_non_commercial_not_llama2() -> None:
    # ScanCode's llama-license-2023 and the Hub-suggested license_name llama-license are the original LLaMA's.
    for name in ("llama-license", "llama-license-2023"):
        assert TABLE.lookup(name).id == "llama1"
    assert TABLE.lookup("llama-2-community-license").id == "llama2"
    assert kinds(derive("llama1", "apache-2.0")) >= {"non_commercial_dropped"}


# ── exclusive obligations under AND (found by a tester) ──


def test_copyleft_child_adding_restrictions_under_and_is_share_alike_violated() -> None:
    # GPL-3.0 §10 / CC BY-SA 4.0 §2(a)(5)(B): no further restrictions; a permissive addition is fine
    assert "share_alike_violated" in kinds(derive("gpl-3.0", "gpl-3.0 AND cc-by-nc-4.0"))
    assert "share_alike_violated" in kinds(derive("cc-by-sa-4.0", "cc-by-sa-4.0 AND cc-by-nc-4.0"))
    assert derive("gpl-3.0", "gpl-3.0 AND mit").conflicts == []
    assert "relicensed" in kinds(derive("deepfloyd-if-license", "deepfloyd-if-license AND cc-by-nc-4.0"))


def test_merge_of_gpl_2_0_only_and_gpl_3_0_only_is_incompatible() -> None:
    # no single license is both GPL-2.0-only and GPL-3.0-only; the unversioned "gpl" id is not a license text
    models = [Model("org/a", license="gpl-2.0"), Model("org/b", license="gpl-3.0"), Model("org/m", license="gpl-3.0")]
    edges = [DerivedFrom("org/m", p, "merge", "t") for p in ("org/a", "org/b")]
    assert "merge_incompatible" in kinds(check_licenses(models, edges))


def test_merge_incompatible_cites_only_the_obligations_in_conflict() -> None:
    models = [
        Model("org/a", license="gpl-3.0"),
        Model("org/b", license="llama3.1"),
        Model("org/Llama-m", license="gpl-3.0"),
    ]
    edges = [DerivedFrom("org/Llama-m", p, "merge", "t") for p in ("org/a", "org/b")]
    c = only(check_licenses(models, edges), "merge_incompatible")
    assert not any(
        ".naming" in x or ".notice" in x or ".user_threshold" in x or ".documentation_notice" in x for x in c.clauses
    ), c.clauses


def test_or_later_child_of_an_only_version_is_judged_alike_for_gpl_and_agpl() -> None:
    for only_version, or_later in (
        ("gpl-2.0", "gpl-2.0-or-later"),
        ("gpl-3.0", "gpl-3.0-or-later"),
        ("agpl-3.0", "agpl-3.0-or-later"),
    ):
        assert kinds(derive(only_version, or_later)) == {"share_alike_violated"}, only_version
    assert kinds(derive("gpl-3.0", "agpl-3.0-or-later")) == {"share_alike_violated"}
    assert derive("gpl-3.0", "agpl-3.0").conflicts == []  # GPL-3.0 §13


def test_unversioned_cc_by_sa_is_not_read_as_4_0() -> None:
    assert derive("cc-by-sa", "cc-by-sa-3.0").conflicts == []
    assert derive("cc-by-sa-4.0", "cc-by-sa").conflicts == []
    assert kinds(derive("cc-by-sa", "mit")) == {"share_alike_violated"}
    assert kinds(derive("cc-by-nc-sa", "cc-by-nc-4.0")) == {"share_alike_violated"}


# ── a third review: links of sibling repos, real names, EPL-2.0, the original LLaMA §2.d ──


def test_hub_license_links_of_sibling_repos_resolve() -> None:
    from graphsc.license_table.normalize import normalize_license

    for link, expected in (
        ("https://huggingface.co/meta-llama/Meta-Llama-3.1-8B-Instruct/blob/main/LICENSE", "llama3.1"),
        ("https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct/blob/main/LICENSE", "llama3.2"),
        ("https://huggingface.co/meta-llama/Llama-2-13b-chat-hf/blob/main/LICENSE", "llama2"),
        ("https://www.llama.com/llama3_1/license/", "llama3.1"),
        ("https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL", "deepseek"),
        ("https://huggingface.co/Qwen/Qwen-7B-Chat/blob/main/LICENSE", "tongyi-qianwen"),
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "cc-by-nc-sa-4.0"),
    ):
        assert normalize_license("other", None, link).id == expected, link
    assert (
        normalize_license("other", None, "https://huggingface.co/Qwen/Qwen-1_8B-Chat/blob/main/LICENSE").id
        != "tongyi-qianwen"
    )


def test_license_names_as_cards_write_them_resolve() -> None:
    for name, expected in (
        ("Llama 3.1 Community License", "llama3.1"),
        ("llama3_2", "llama3.2"),
        ("Llama 4 Community License", "llama4"),
        ("BigCode OpenRAIL-M v1", "bigcode-openrail-m"),
        ("GPLv2+", "gpl-2.0-or-later"),
        ("LGPLv3", "lgpl-3.0"),
    ):
        assert TABLE.lookup(name).id == expected, name


def test_epl_2_0_accepts_the_gpl_only_when_designated() -> None:
    # EPL-2.0 §3.2(a): a Secondary License only if the Initial Contributor designated it (Exhibit A)
    assert kinds(derive("epl-2.0", "gpl-3.0")) == {"share_alike_violated"}


def test_llama1_derivatives_same_license_section_2d_as_deepfloyd() -> None:
    assert source("llama1", "derivatives_same_license").startswith("LLaMA License §2.d")
    assert "relicensed" in kinds(derive("llama1", "cc-by-nc-4.0"))


def test_explain_naming_is_checked_on_new_models_not_quantizations() -> None:
    from graphsc.licenses.explain import explain

    (naming,) = [o for o in explain("llama3.1")["obligations"] if o["kind"] == "naming"]
    assert "quantized" not in naming["checked_on"] and "quantized" in naming["crosses"]
    assert "distillation" in naming["checked_on"]
    (naming3,) = [o for o in explain("llama3")["obligations"] if o["kind"] == "naming"]
    assert "distillation" not in naming3["checked_on"]
