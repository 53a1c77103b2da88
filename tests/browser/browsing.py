"""A fresh browser context and its page, with the checks every browser test shares."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def open_page(
    browser, base_url: str, *, expected_errors: Sequence[str] = (), **options
) -> Iterator[object]:
    """A page in a context of its own (no cookies, no storage unless `options` bring some).

    A CSP violation or a JavaScript error is a failure even when the test got through; an error
    containing one of `expected_errors` (read when the context closes, so a test may still add
    to the list) is one the test provokes on purpose."""
    options.setdefault("viewport", DESKTOP)
    context = browser.new_context(base_url=base_url, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    try:
        yield page
    finally:
        context.close()
    assert [e for e in errors if not any(part in e for part in expected_errors)] == []
