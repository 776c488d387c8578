"""The seed facts, one TOML file per source document; shipped with the package as data."""
