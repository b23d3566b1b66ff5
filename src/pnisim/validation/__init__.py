"""`pnisim validate`: every shipped evidence target simulated with a design that mirrors its source.

targets.py reads the package's targets.csv; studies.py runs the simulated studies (populations, challenges,
trials, case-control and cohort designs) once each; protocols/ (one module per kind of study) turns each target
into a comparison record; run.py runs them all and counts passes; report.py writes the HTML report.
"""
