"""Reintegration: the needs instrument as data, assessments, and plans proposed by RNR.

- :mod:`instrument`: the versioned YAML instrument (domains, 0-2 items with guidance, who
  each item applies to, plan rules), loaded and checked;
- :mod:`assessment`: an officer's answers checked against it, scored by domain, and the
  change between two assessments;
- :mod:`riskband`: a person's score and band on a saved points model (``risk fit``);
- :mod:`rnr`: proposals by risk-need-responsivity, and the prison-to-probation handover;
- :mod:`render`: a plan as printable text and HTML.
"""
