"""Sample landing data that follows the raw source contract (with its allowed mess).

``generate()`` writes one export batch per table and day under ``<out>/<table>/``, plus
``<out>/_generator/violations.csv`` (every row injected to break the contract) and
``<out>/_generator/summary.json``.
"""

from orchestration.sample_data.generator import GENERATOR_DIR, GenerationSummary, generate

__all__ = ["GENERATOR_DIR", "GenerationSummary", "generate"]
