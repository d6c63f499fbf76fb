"""GX's data-docs templates are compiled once per process and render the same
(orchestration/quality/docs_templates.py)."""

from __future__ import annotations

import jinja2
import pytest

from orchestration.quality.docs_templates import TEMPLATE_CACHE, share_compiled_templates

TEMPLATES = ("sidebar.j2", "ge_info.j2")


def _views():
    from great_expectations.render.view.view import DefaultJinjaPageView

    return DefaultJinjaPageView


def test_a_second_view_compiles_no_template(monkeypatch: pytest.MonkeyPatch) -> None:
    share_compiled_templates()
    share_compiled_templates()  # idempotent: one cache, not a chain of wrappers
    TEMPLATE_CACHE.clear()
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    page_view = _views()
    first = page_view()
    for name in TEMPLATES:
        first.env.get_template(name)
    assert sorted(compiled) == sorted(TEMPLATES)
    assert len(TEMPLATE_CACHE) == len(TEMPLATES)

    compiled.clear()
    second = page_view()
    for name in TEMPLATES:
        second.env.get_template(name)
    assert compiled == []


def test_a_cached_template_renders_what_a_compiled_one_does() -> None:
    share_compiled_templates()
    page_view = _views()
    context = {"ge_version": "1.x", "data_context_id": "abc", "section_names": ["x", "y"]}
    warm = page_view()
    cached = page_view()  # loads the compiled code the first view left in the cache
    fresh = page_view()
    fresh.env.bytecode_cache = None  # compiles on its own
    for name in TEMPLATES:
        warm.env.get_template(name)
        expected = fresh.env.get_template(name).render(context)
        assert cached.env.get_template(name).render(context) == expected
        assert expected
