"""Interface message catalogs, one YAML file per language (en is the reference)."""
