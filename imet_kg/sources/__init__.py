"""Outside data brought into the store. Each source is a package beside the others
(`sources.fmtr`: the Foreign Military Training Reports); what sources share sits here:
strict reading of tab-separated files (`tsv`) and country names to ISO codes (`countries`).

Contract: a source reads its files strictly (a file that does not look like the source stops
the import with its file, line and column), writes a new store, validates every record, and
swaps the store in only when all of that succeeded. Imports the pipeline, validation, the
store and the ground floor.
"""
