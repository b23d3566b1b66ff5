"""The graded evidence behind each model: table, causal graph (GraphML, HTML)."""
