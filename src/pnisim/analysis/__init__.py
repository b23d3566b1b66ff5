"""What a researcher reads off a run: summary readouts, figures and the HTML report."""
