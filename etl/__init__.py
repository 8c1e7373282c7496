"""Write side: read users' files, normalise Thai formats, validate, load into DuckDB."""
