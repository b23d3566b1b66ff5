"""One file per published model (or mechanism) pnisim adapts; each file's docstring cites its paper."""
