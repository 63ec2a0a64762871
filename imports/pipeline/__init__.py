"""The import pipeline, one module per step, each importing only the steps before it:
read (file -> cells) -> map (columns -> fields) -> validate (the rules, once) ->
plan (new/changed/unchanged/error per row, nothing written) -> write (all or nothing).
Checked by the "import-pipeline" contract in pyproject.toml."""
