"""``graphsc licenses``: where declared licenses' obligations were dropped along the supply chain."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.render import emit

if TYPE_CHECKING:
    from graphsc.licenses.findings import Conflict
    from graphsc.render.ci_results import CiReport

TABLE_LIMIT = 20  # conflicts the terminal report lists when --limit is not given
EXIT_GATE = 1  # --fail-on found a conflict at or above its severity


class LicensesFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    sarif = "sarif"
    junit = "junit"


CI_FORMATS = frozenset({LicensesFormat.sarif, LicensesFormat.junit})


class SeverityChoice(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


def _judged_by_sbom(conflict: Conflict, subject: str, models: set[str]) -> bool:
    """Whether ``conflict`` is one of an SBOM's: its subject's use of one of the SBOM's ``models`` (``child`` the
    subject, ``base``/``bases`` among them), or an obligation dropped in such a model's chain that reaches the
    subject (the subject in ``reached_repos``, one of the models in ``reached_models``). Ids are compared as keys
    (lower case); ``subject`` and ``models`` are keys already."""
    if not subject:
        return False
    if conflict.child_type != "model" and conflict.child.lower() == subject:
        return any(b.lower() in models for b in (*conflict.bases, conflict.base) if b)
    return subject in {r.lower() for r in conflict.reached_repos} and any(
        m.lower() in models for m in conflict.reached_models
    )


def _refuse_dataset(dataset_id: str | None) -> None:
    """``--model`` named no model: when it names a stored dataset (``dataset_id``), say so and where a dataset's
    reach and findings are shown, rather than "Unknown model … ingest it" (or "a local path" for ``datasets/ID``)."""
    if dataset_id is None:
        return
    from graphsc.errors import GraphscError

    raise GraphscError(
        f"{dataset_id!r} is a dataset, not a model: --model takes a model id.",
        f"What the dataset reaches: `graphsc impact {dataset_id}`; its sources and the datasets and models made from "
        f"it: `graphsc lineage {dataset_id}`. Its license findings are in `graphsc licenses --format json`: those whose "
        "child, chain or reached_datasets name it.",
    )


def licenses(
    ctx: typer.Context,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="One model's conflicts: dropped at it, inherited from an ancestor, or dropped downstream, "
            "each with its path.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", metavar="KIND", help="Only this conflict kind (repeatable).", show_default=False),
    ] = None,
    severity: Annotated[
        SeverityChoice,
        typer.Option(
            "--severity",
            "--min-severity",
            "-s",
            help="Minimum severity shown (info counts are always in the summary).",
        ),
    ] = SeverityChoice.warning,
    min_impact: Annotated[
        int, typer.Option("--min-impact", min=0, help="Only conflicts reaching at least N models + repositories.")
    ] = 0,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=1,
            help=f"Conflicts listed, highest impact first (default: {TABLE_LIMIT} in the table, all in JSON and CSV; "
            "SARIF and JUnit list all).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        LicensesFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), json (graphsc.licenses/1), csv (one row per conflict), sarif (SARIF 2.1.0, for "
            "code scanning) or junit (JUnit XML: a failed test per error or warning). sarif and junit list every "
            "match, whatever --limit, as --fail-on judges them.",
        ),
    ] = LicensesFormat.table,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 if any selected conflict is this severe or worse (after printing the report).",
            show_default=False,
        ),
    ] = None,
    sbom: Annotated[
        Path | None,
        typer.Option(
            "--sbom",
            help="Check an application's SBOM (CycloneDX or SPDX JSON): ingest it into the store, then show only "
            "the conflicts its models bring to its subject: their use, and obligations dropped in their chains that reach "
            "it.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to this file (json, csv, sarif, junit; default: stdout)."
        ),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Check license propagation: conflicts at their origin edge, ranked by what they reach.

    Exit codes: 0 done; 1 a selected conflict is at or above --fail-on, or an error (message on stderr); 2 bad options.
    `graphsc licenses explain ID` shows what graphsc knows about one license.
    """
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import replace

    from graphsc.licenses.engine import check_store
    from graphsc.licenses.select import Filters, select
    from graphsc.render.ci_junit import junit_text
    from graphsc.render.ci_sarif import sarif_text
    from graphsc.render.licenses_csv import licenses_csv
    from graphsc.render.licenses_json import licenses_document
    from graphsc.render.licenses_table import render_report

    if output is not None and output_format is LicensesFormat.table:
        raise typer.BadParameter("--output needs --format json, csv, sarif or junit", param_hint="--output")
    if limit is None and output_format is LicensesFormat.table:
        limit = TABLE_LIMIT
    filters = Filters(
        kinds=tuple(kind or ()),
        min_severity=severity.value,
        min_impact=min_impact,
        limit=limit,
        model=model.strip() if model else None,
    )
    filters.validate()
    subject: str | None = None
    sbom_models: set[str] = set()  # id keys of the models this SBOM lists (the store's spelling)
    if sbom is not None:
        if filters.model is not None:
            raise typer.BadParameter("give --sbom or --model, not both", param_hint="--sbom")
        from graphsc.ingest.sbom import ingest_sbom

        with open_cli_store(db, store, write=True) as graph:
            ingested = ingest_sbom(graph, sbom)
        subject = ingested.subject if ingested.subject_model is None else None
        sbom_models = {m.id.lower() for m in ingested.models}
        if subject is None:
            from graphsc.render.text import console as text_console
            from graphsc.render.text import literal

            what = (
                f"is the BOM of the model {ingested.subject_model} itself"
                if ingested.subject_model is not None
                else "names no application (subject)"
            )
            text_console(stderr=True).print(literal(f"{sbom} {what}: no usage to check."))
    with open_cli_store(db, store, write=False) as graph:
        lineage = None
        if filters.model is not None:
            from graphsc.lineage import compute_lineage

            if graph.find_model_id(filters.model) is None:
                _refuse_dataset(graph.find_dataset_id(filters.model))
            lineage = compute_lineage(graph, filters.model, "up")  # UnknownModelError with close matches
            filters = replace(filters, model=lineage.model.id)
        report = check_store(graph)
        if sbom is not None:  # what this SBOM's models bring to its subject (not older usages of the subject)
            mine = [c for c in report.conflicts if _judged_by_sbom(c, (subject or "").lower(), sbom_models)]
            report = replace(report, conflicts=mine, _by_model=None)
        selection = select(report, filters, lineage, graph.models)
        evidence = None
        if output_format in CI_FORMATS:  # where repositories use the models: a Conflict carries no evidence
            from graphsc.render.licenses_ci import usage_evidence, usage_models

            evidence = usage_evidence(graph.uses_of(sorted(usage_models(selection))))
    gate = fail_on.value if fail_on is not None else None
    gate_hit = gate is not None and selection.reaches(gate)
    exit_code = EXIT_GATE if gate_hit else 0

    def ci_report() -> CiReport:
        from graphsc.render.licenses_ci import licenses_ci

        return licenses_ci(report, selection, exit_code, evidence)

    try:
        emit(
            output_format,
            document=lambda: licenses_document(report, selection, gate),
            csv=lambda: licenses_csv(selection),
            texts={"sarif": lambda: sarif_text(ci_report()), "junit": lambda: junit_text(ci_report())},
            terminal=lambda console: render_report(report, selection, console),
            output=output,
        )
    except BrokenPipeError:
        if not gate_hit:
            raise  # the reader went away: the CLI ends quietly (graphsc.cli.RootGroup)
        # the gate's answer does not depend on how much of the report was read
        from graphsc.cli.errors import silence_closed_stdout

        silence_closed_stdout()
        raise typer.Exit(EXIT_GATE) from None
    if gate_hit:
        raise typer.Exit(EXIT_GATE)


class ExplainFormat(str, Enum):
    table = "table"
    json = "json"


def explain(
    license_id: Annotated[
        str,
        typer.Argument(
            metavar="LICENSE",
            help="A license id, alias, SPDX id, name or license link (llama3.1, Apache-2.0, "
            '"Llama 2 Community License Agreement").',
            show_default=False,
        ),
    ],
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="table (terminal) or json (graphsc.license/1).")
    ] = ExplainFormat.table,
) -> None:
    """Explain one license: its id, aliases, category, text, every clause with its citation, the rules using it.

    The text is the one graphsc checked the clauses against. Exit codes: 0 done; 1 unknown license (close matches
    on stderr)."""
    from graphsc.licenses.explain import explain as explain_license
    from graphsc.render.license_explain_table import render_explain

    doc = explain_license(license_id)
    emit(output_format, document=lambda: doc, terminal=lambda console: render_explain(doc, console))


def register(app: typer.Typer) -> None:
    """Add ``graphsc licenses`` and ``graphsc licenses explain`` to ``app``."""
    from graphsc.cli.common import GraphscGroup

    group = typer.Typer(
        cls=GraphscGroup, invoke_without_command=True, add_completion=False, pretty_exceptions_enable=False
    )
    group.callback()(licenses)
    group.command("explain")(explain)
    app.add_typer(group, name="licenses")
