"""In-silico trials: virtual populations, trial specs, and the statistics trialists report."""
