"""What a researcher reads off a run: readouts, the summary table, figures and the HTML report."""
