"""``graphsc bom``: a bill of materials for one model (or one application) with its whole pedigree."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.render import emit


class BomFormat(str, Enum):
    cyclonedx = "cyclonedx"
    spdx3 = "spdx3"


def bom(
    model: Annotated[
        str | None, typer.Argument(metavar="MODEL", help="Model id, e.g. deepseek-ai/DeepSeek-R1.", show_default=False)
    ] = None,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo", metavar="OWNER/NAME", help="The BOM of an application: every model it uses, each with its chain."
        ),
    ] = None,
    output_format: Annotated[
        BomFormat, typer.Option("--format", "-f", help="cyclonedx (CycloneDX 1.7 JSON) or spdx3 (SPDX 3.0.1 JSON-LD).")
    ] = BomFormat.cyclonedx,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the BOM to this file (default: stdout).")
    ] = None,
    validate: Annotated[
        Path | None,
        typer.Option(
            "--validate",
            metavar="FILE",
            help="Validate a CycloneDX or SPDX 3 document against its official schema instead; exit 1 if invalid.",
        ),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """A CycloneDX or SPDX 3 BOM of MODEL (or --repo) with its whole pedigree, licenses and findings."""
    if validate is not None:
        if model is not None or repo is not None:
            raise typer.BadParameter(
                "--validate checks a file: give it without MODEL or --repo", param_hint="--validate"
            )
        _validate(validate)
        return
    if (model is None) == (repo is None):
        raise typer.BadParameter("give a MODEL or --repo OWNER/NAME (one of them)", param_hint="MODEL")
    from graphsc.bom.pedigree import application_pedigree, model_pedigree
    from graphsc.licenses import check_store
    from graphsc.render.bom_cyclonedx import cyclonedx_application_bom, cyclonedx_model_bom
    from graphsc.render.bom_spdx3 import spdx3_application_bom, spdx3_model_bom

    with open_cli_store(db, store, write=False) as graph:
        report = check_store(graph)
        if model is not None:
            pedigree = model_pedigree(graph, model.strip(), report)
            texts = {
                BomFormat.cyclonedx.value: lambda: cyclonedx_model_bom(pedigree),
                BomFormat.spdx3.value: lambda: spdx3_model_bom(pedigree),
            }
        else:
            assert repo is not None
            application = application_pedigree(graph, repo.strip(), report)
            texts = {
                BomFormat.cyclonedx.value: lambda: cyclonedx_application_bom(application),
                BomFormat.spdx3.value: lambda: spdx3_application_bom(application),
            }
    emit(output_format, texts=texts, output=output)


def _validate(path: Path) -> None:
    """Print whether ``path`` is a valid CycloneDX or SPDX 3 document; exit 1 when it is not."""
    from graphsc.bom.validate import validate_document
    from graphsc.cli.progress import stderr_console
    from graphsc.render.labels import counted
    from graphsc.render.text import literal

    kind, errors = validate_document(path)
    console = stderr_console()
    if errors:
        console.print(literal(f"{path}: not a valid {kind} document ({counted(len(errors), 'problem')}):", "red"))
        for error in errors[:20]:
            console.print(literal(f"  {error}"))
        raise typer.Exit(1)
    typer.echo(f"{path}: valid {kind}")


def register(app: typer.Typer) -> None:
    """Add ``graphsc bom`` to ``app``."""
    app.command("bom")(bom)
