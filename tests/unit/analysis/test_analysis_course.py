"""Summaries of long, coarsely sampled runs of the whole model: a course readout, no day-curve readouts."""

from pnisim.analysis.figures import figures
from pnisim.analysis.summary import summary_table
from pnisim.scenario.build import run_scenario
from pnisim.scenario.loading import parse_scenario


def test_daily_sampled_whole_run_reports_the_course_and_skips_the_day_curve():
    s = parse_scenario({
        "model": "whole",
        "run": {"duration": "10 week", "sampling": "1 d", "burn_in": "7 d"},
        "exposures": [{"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 0.5}]}],
    })
    ds = run_scenario(s)
    rows = {r.quantity: r for r in summary_table(ds, s)}
    assert rows["PHQ-9 at the end"].value > rows["PHQ-9 at the start"].value
    assert rows["CRP at the end"].unit == "mg/L"
    assert not any(q.startswith("Serum cortisol peak") for q in rows)  # needs sampling <= 30 min
    names = set(figures(ds, s))
    assert "course.png" in names and "cortisol_day.png" not in names


def test_report_lists_the_interventions_with_grade_and_cost():
    from pnisim.analysis.report import render_report

    s = parse_scenario({
        "model": "whole",
        "run": {"duration": "14 week", "sampling": "1 d", "burn_in": "7 d"},
        "exposures": [{"type": "chronic_stress", "schedule": [{"from_day": 0, "level": 0.5}]},
                      {"type": "cbt", "day": 7, "time": "10:00"}],
    })
    page = render_report(run_scenario(s), s)
    assert "Exposures and interventions" in page
    assert "150 USD per session" in page  # targets.csv cbt_cost / 10 sessions
    assert "chronic_stress" in page and "day 7 10:00" in page
