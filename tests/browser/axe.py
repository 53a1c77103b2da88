"""axe-core in the real-browser tests: run it on the page Playwright shows and report what it finds.

axe-core comes from the npm registry (package.json pins it, `make setup` runs `npm ci`); it is read
from node_modules/ and evaluated in the page, never copied into the repository. Evaluating the
source through Playwright is not a script the page loads, so the app's strict CSP stays as it is
(and the `page` fixture still fails on any CSP report the page itself provokes).

Set OKR_AXE_REPORT=<file> to have every check append its full result (one JSON line per page and
language); `python -m tests.browser.axe <file>` then prints the Markdown table of
docs/accessibility.md.
"""

import json
import os
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# OKR_AXE_BEST_PRACTICE=1 also runs axe's best-practice rules (landmarks, heading order...): they
# are recorded in the report but never fail a test.
EXTRA_TAGS = ["best-practice"] if os.environ.get("OKR_AXE_BEST_PRACTICE") else []
IMPACTS = ["critical", "serious", "moderate", "minor"]
FAILING = {"critical", "serious"}


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        # Not a skip: CI installs it through `make setup`, so its absence is a broken setup.
        pytest.fail(
            f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} is missing): run `make setup` "
            "(it runs `npm ci --no-audit --no-fund` from package-lock.json; needs Node.js and npm, "
            "`apt-get install -y npm`)",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_version() -> str:
    package = json.loads((AXE_JS.parent / "package.json").read_text(encoding="utf-8"))
    return package["version"]


def run_axe(page) -> dict:
    """axe.run on the whole document, WCAG 2.0/2.1 A and AA rules; the raw result."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return {
                url: result.url,
                violations: result.violations.map((v) => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    helpUrl: v.helpUrl,
                    tags: v.tags,
                    nodes: v.nodes.map((n) => ({
                        target: n.target.map(String),
                        impact: n.impact,
                        summary: n.failureSummary,
                    })),
                })),
            };
        }""",
        TAGS + EXTRA_TAGS,
    )


def is_wcag(violation: dict) -> bool:
    return bool(set(violation.get("tags", TAGS)) & set(TAGS))


def counts(result: dict, *, wcag: bool = True) -> Counter:
    """Violations by impact (WCAG rules, or else best-practice ones), each element counted once."""
    found: Counter = Counter()
    for violation in result["violations"]:
        if is_wcag(violation) != wcag:
            continue
        for node in violation["nodes"]:
            found[node["impact"] or violation["impact"] or "minor"] += 1
    return found


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    {' '.join(node['target'])}")
            for detail in (node["summary"] or "").splitlines()[1:3]:
                lines.append(f"      {detail.strip()}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page, *, name: str) -> dict:
    """Fail on any serious or critical violation, naming the rule, its help and the elements."""
    result = run_axe(page)
    report = os.environ.get("OKR_AXE_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": name, **result}, ensure_ascii=False) + "\n")
    bad = [v for v in result["violations"] if v["impact"] in FAILING and is_wcag(v)]
    assert not bad, f"axe found serious or critical violations on {name}:\n{describe(bad)}"
    return result


def markdown(report: Path) -> str:
    """The per-page table (and the findings below serious) from an OKR_AXE_REPORT file."""
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line]
    out = [
        "| Page | Language | critical | serious | moderate | minor | best practice |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    left: dict[str, set[str]] = {}
    first_seen: dict[str, int] = {}
    for row in rows:  # in the order the tests ran, each page's languages together
        first_seen.setdefault(row["name"].rpartition(" · ")[0], len(first_seen))
    for row in sorted(rows, key=lambda r: first_seen[r["name"].rpartition(" · ")[0]]):
        page_name, _, language = row["name"].rpartition(" · ")
        found = counts(row)
        practice = sum(counts(row, wcag=False).values())
        out.append(
            f"| {page_name} | {language} | "
            + " | ".join(str(found[i]) for i in IMPACTS)
            + f" | {practice} |"
        )
        for violation in row["violations"]:
            kind = "WCAG" if is_wcag(violation) else "best practice"
            key = f"{violation['id']} ({violation['impact']}, {kind}): {violation['help']}"
            left.setdefault(key, set()).add(row["name"])
    if left:
        out += ["", "Findings left:", ""]
        for key, pages in sorted(left.items()):
            out.append(f"- {key} — {', '.join(sorted(pages))}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown(Path(sys.argv[1])))
