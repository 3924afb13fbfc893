"""International cooperation in criminal matters: a central authority's working tools.

- :mod:`~justicelink.cooperation.model`: the JSON format of a request (import, export,
  exchange) and its schema; :mod:`~justicelink.cooperation.vocabulary`: its coded values.
- :mod:`~justicelink.cooperation.basis`: the legal-basis finder over the dated party lists
  (:mod:`~justicelink.cooperation.parties`, :mod:`~justicelink.cooperation.instruments`),
  scope through ICCS (:mod:`~justicelink.cooperation.scope`) and the country's own files
  (:mod:`~justicelink.cooperation.country`).
- :mod:`~justicelink.cooperation.dualcrim`: the double-criminality pre-check.
- :mod:`~justicelink.cooperation.completeness`: what an outgoing request lacks.
- :mod:`~justicelink.cooperation.deadlines` and :mod:`~justicelink.cooperation.stats`: due
  dates, reminders and processing statistics.
- :mod:`~justicelink.cooperation.keys` and :mod:`~justicelink.cooperation.exchange`: signed,
  encrypted packages for a counterpart.
- :mod:`~justicelink.cooperation.draft`: a request rendered as a Word document.

The register itself is kept in the operational store (:mod:`justicelink.store.cooperation`).
Everything here suggests and flags; a lawyer decides.
"""
