"""The process-wide cache of compiled Jinja templates (plecak.runtime.template_cache)."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from plecak.runtime.template_cache import CompiledTemplates


class CountingEnvironment(jinja2.Environment):
    """An environment that counts how often it compiles a template source."""

    compiled = 0

    def compile(self, source: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(source, str):
            CountingEnvironment.compiled += 1
        return super().compile(source, *args, **kwargs)


@pytest.fixture
def templates() -> dict[str, str]:
    CountingEnvironment.compiled = 0
    return {"page.html": "<p>{{ name }}</p>", "page.txt": "{{ name }}"}


def _environment(templates: dict[str, str], cache: CompiledTemplates, **kwargs: Any) -> CountingEnvironment:
    kwargs.setdefault("autoescape", jinja2.select_autoescape(default=True))
    return CountingEnvironment(loader=jinja2.DictLoader(templates), bytecode_cache=cache, **kwargs)


def test_a_second_environment_reuses_the_compiled_template(templates: dict[str, str]) -> None:
    cache = CompiledTemplates()
    first = _environment(templates, cache).get_template("page.html").render(name="<b>")
    second = _environment(templates, cache).get_template("page.html").render(name="<i>")
    assert (first, second) == ("<p>&lt;b&gt;</p>", "<p>&lt;i&gt;</p>")
    assert CountingEnvironment.compiled == 1


def test_a_changed_source_is_compiled_again(templates: dict[str, str]) -> None:
    cache = CompiledTemplates()
    _environment(templates, cache).get_template("page.html").render(name="a")
    templates["page.html"] = "<div>{{ name }}</div>"
    assert _environment(templates, cache).get_template("page.html").render(name="a") == "<div>a</div>"
    assert CountingEnvironment.compiled == 2


def test_environments_that_compile_differently_do_not_share_code(templates: dict[str, str]) -> None:
    cache = CompiledTemplates()
    escaped = _environment(templates, cache).get_template("page.html").render(name="<b>")
    raw = _environment(templates, cache, autoescape=False).get_template("page.html").render(name="<b>")
    assert (escaped, raw) == ("<p>&lt;b&gt;</p>", "<p><b></p>")
    templates["shout.txt"] = "{{ name | shout }}"
    with_filter = _environment(templates, cache)
    with_filter.filters["shout"] = str.upper
    assert with_filter.get_template("shout.txt").render(name="a") == "A"
    with pytest.raises(jinja2.TemplateAssertionError, match="shout"):
        _environment(templates, cache).get_template("shout.txt")
    assert CountingEnvironment.compiled == 4


def test_an_environment_with_finalize_is_not_cached(templates: dict[str, str]) -> None:
    cache = CompiledTemplates()
    for _ in range(2):
        env = _environment(templates, cache, finalize=lambda value: "-" if value is None else value)
        assert env.get_template("page.txt").render(name=None) == "-"
    assert CountingEnvironment.compiled == 2
