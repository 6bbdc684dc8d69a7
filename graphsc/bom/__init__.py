"""Bills of materials: one model's (or one application's) supply chain as CycloneDX and SPDX 3 documents, and
SBOMs read back in. ``pedigree`` assembles what a BOM says; ``graphsc.render.bom_*`` write the formats."""
