"""The assess stage: maturity assessment, blind spots, empathy balance sheet, pilot planner.

Library calls (each returns a dataclass with ``as_dict()`` giving plain JSON-able data;
the CLI, the API and the dashboard all call these):

* ``questionnaire.load_questionnaire()`` → the questions (``.as_dict()`` for a form);
* ``assessment.run_assessment(engine, answers, save=True)`` → stages per pillar with their
  evidence, the six blind spots with reasons and next steps;
  ``assessment.latest_assessment(engine)``
  → the newest stored one as a dict (or None);
* ``evidence.gather_evidence(engine)`` → the store figures the rules use;
* ``balance_sheet.balance_sheet(engine, cost=…)`` → CLV/ELV totals, value at risk, value
  protected, ROI with interval; ``balance_report.render_html(bs)`` / ``render_pdf(bs)``;
* ``pilot.run_pilot(engine, pod, policy, weeks=6)`` → simulated lift with CI and the sample
  size a real pilot needs; ``power`` holds the sample-size formulas.

Submodules are imported where used (nothing heavy at package import). See docs/assess.md.
"""
