"""``graphsc check``: is the graph (or one model, repository or SBOM) allowed under the team's policy file?"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.render import emit

if TYPE_CHECKING:
    from graphsc.policy import Scope

EXIT_DENIED = 1  # a deny rule matched something neither allowed nor waived


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    junit = "junit"


def check(
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy",
            "-p",
            help="The policy file (default: graphsc-policy.toml in the working directory or the nearest parent).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Check one model's chain: itself, its ancestors, their datasets and the datasets those were made from.",
        ),
    ] = None,
    repo: Annotated[
        str | None,
        typer.Option("--repo", metavar="OWNER/NAME", help="Check what a repository or Space uses, with those chains."),
    ] = None,
    sbom: Annotated[
        Path | None,
        typer.Option(
            "--sbom",
            help="Check an application's SBOM (CycloneDX or SPDX JSON): ingest it, then check its subject's usage.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), json (graphsc.check/1), sarif (SARIF 2.1.0) or junit (JUnit XML).",
        ),
    ] = CheckFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Print a commented example policy (to start a graphsc-policy.toml).")
    ] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Print the policy file's JSON schema.")] = False,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Check the graph against a policy file: deny / warn / allow rules over its facts and findings, with waivers.

    Prints each violation with the rule that fired and the chain behind it.

    Exit codes: 0 no deny rule matched (warnings, allowed and waived matches are printed); 1 a deny rule matched
    something neither allowed nor waived (after printing), or an error such as a malformed policy (file, line and
    key on stderr); 2 bad options."""
    if example or schema:
        given = [name for name, value in (("--model", model), ("--repo", repo), ("--sbom", sbom)) if value is not None]
        if (example and schema) or given or policy is not None or output is not None:
            raise typer.BadParameter(
                "--example and --schema print a reference and take no other option (give one of them alone)",
                param_hint="--example" if example else "--schema",
            )
        _print_reference(example, schema)
        return
    if sum(x is not None for x in (model, repo, sbom)) > 1:
        raise typer.BadParameter("give one of --model, --repo or --sbom", param_hint="--model")
    if output is not None and output_format is CheckFormat.table:
        raise typer.BadParameter("--output needs --format json, sarif or junit", param_hint="--output")
    from graphsc.errors import GraphscError
    from graphsc.licenses.engine import check_store
    from graphsc.policy import Scope, check_policy, find_policy, load_policy, policy_datasets
    from graphsc.policy.model import POLICY_FILE
    from graphsc.render.check_ci import check_ci
    from graphsc.render.check_json import check_document
    from graphsc.render.check_table import render_check
    from graphsc.render.ci_junit import junit_text
    from graphsc.render.ci_sarif import sarif_text
    from graphsc.reuse.risks import own_flags_by_key
    from graphsc.snapshot.state import state_from_store

    path = policy if policy is not None else find_policy(Path.cwd())
    if path is None:
        raise GraphscError(
            f"No policy file: no {POLICY_FILE} in {Path.cwd()} or its parents.",
            f"Give --policy FILE, or start one with `graphsc check --example > {POLICY_FILE}`.",
        )
    rules = load_policy(path)
    scope = Scope(model=model.strip() if model else None, repo=repo.strip() if repo else None)
    if sbom is not None:
        scope = _sbom_scope(sbom, db, store)
    with open_cli_store(db, store, write=False) as graph:
        report = check_store(graph)
        state = state_from_store(graph, "current graph", report)
        risks = own_flags_by_key(graph) if rules.uses_risks else None
        datasets = policy_datasets(graph)
    result = check_policy(rules, state, report, scope, risks=risks, datasets=datasets)
    exit_code = EXIT_DENIED if result.failed else 0
    emit(
        output_format,
        document=lambda: check_document(result),
        terminal=lambda console: render_check(result, console),
        texts={
            CheckFormat.sarif.value: lambda: sarif_text(check_ci(result, path, exit_code)),
            CheckFormat.junit.value: lambda: junit_text(check_ci(result, path, exit_code)),
        },
        output=output,
    )
    if result.failed:
        raise typer.Exit(EXIT_DENIED)


def _sbom_scope(sbom: Path, db: Path | None, store: str | None) -> Scope:
    """Ingest ``sbom`` into the store and return the scope it names: its application's use of the models the SBOM
    lists (not usages older versions of it stored), or, for a model's own BOM, that model's chain. Raises ``GraphscError`` when the SBOM names no subject."""
    from graphsc.errors import GraphscError
    from graphsc.ingest.sbom import ingest_sbom
    from graphsc.policy import Scope

    with open_cli_store(db, store, write=True) as graph:
        ingested = ingest_sbom(graph, sbom)
    if ingested.subject_model is not None:
        return Scope(model=ingested.subject_model)
    if not ingested.subject:
        raise GraphscError(
            f"{sbom} names no application (subject), so there is no usage to check.",
            "Give an SBOM whose metadata.component (CycloneDX) or root element (SPDX) is the application.",
        )
    # only the models this SBOM lists: usages an earlier version of it stored are not this application's now
    return Scope(repo=ingested.subject, models=frozenset(m.id for m in ingested.models))


def _print_reference(example: bool, schema: bool) -> None:
    """Print the example policy (``example``) or the policy JSON schema (``schema``)."""
    from graphsc.policy import example_policy_text, policy_schema
    from graphsc.render import json_text

    if example:
        typer.echo(example_policy_text(), nl=False)
    elif schema:
        typer.echo(json_text(policy_schema()))


def register(app: typer.Typer) -> None:
    """Add ``graphsc check`` to ``app``."""
    app.command("check")(check)
