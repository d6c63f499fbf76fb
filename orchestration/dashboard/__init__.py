"""The after-sales dashboards: a Streamlit app and a static HTML report, both reading only
the served DuckDB file (read-only) through the BI interface (``marts.*``, ``ops.build_info``).

Modules: ``boards`` (which KPI sits on which board, from ``boards.yaml``), ``labels``
(interface strings per language), ``source`` (the served file and its build), ``queries``
(SQL against the interface), ``rollup`` (regions = sums of branch parts), ``view`` (one
board's figures for a selection, shared by app and report), ``svg`` (inline charts for the
report), ``report`` (the HTML file), ``app`` (the Streamlit script), ``cli`` (commands).
"""
