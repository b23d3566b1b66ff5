"""Calibration: targets -> objectives; fitting; calibrated parameter sets written with provenance."""
