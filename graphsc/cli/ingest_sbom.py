"""``graphsc ingest sbom``: the Hugging Face models an application's SBOM (CycloneDX, SPDX) says it uses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.cli.ingest import stderr_console
from graphsc.render.labels import counted
from graphsc.render.text import literal


def sbom(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="SBOM files: CycloneDX JSON (1.x) or SPDX JSON (2.3, 3.0.1 JSON-LD); - for stdin.",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Import the models an SBOM lists as used by its subject (the application), with the subject's license.

    Every file is read and checked before anything is written; a file that is not a readable SBOM exits 1 naming
    it. An SBOM without ML models (e.g. a Python environment's) and a model's own BOM are reported as such and
    record nothing, exit 0."""
    from graphsc.ingest.sbom import check_sbom, evidence_of, write_sbom
    from graphsc.sources.sbom import read_sbom

    console = stderr_console()
    usages = [check_sbom(read_sbom(path)) for path in files]
    with open_cli_store(db, store, write=True) as graph:
        for usage in usages:
            report = write_sbom(graph, usage)
            kind = f"{report.format.replace('cyclonedx', 'CycloneDX').replace('spdx', 'SPDX')} {report.spec_version}"
            if report.subject_model is not None:
                console.print(
                    literal(
                        f"{report.path} ({kind}) is the BOM of the model {report.subject_model} itself: its "
                        "ancestors are lineage, not usage, so nothing was recorded (ingest the model with "
                        "`graphsc ingest hf` for its lineage)"
                    )
                )
            elif not report.models:
                console.print(literal(f"no ML models found in {report.path} ({kind})"))
            else:
                who = "Space" if report.subject_kind == "space" else "repository"
                license_text = report.subject_license or "no license declared"
                console.print(
                    literal(
                        f"{counted(len(report.models), 'model')} used by {report.subject} ({who}, {license_text}) "
                        f"in {report.path} ({kind}); {report.models_fetched:,} fetched in {graph.kind} store "
                        f"{graph.location}:"
                    )
                )
                for model in report.models:
                    console.print(literal(f"  {model.id}  [{evidence_of(usage, model)}]"))
            for item in report.not_identified:
                line = literal("not a Hugging Face model id ", "yellow")
                line.append_text(literal(f"{item.value!r} at {item.evidence}: not recorded"))
                console.print(line)
