"""The README stays short, and every relative link in the documentation leads somewhere."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 200

# Written from the settings declarations rather than by hand: a checkout may not hold it yet.

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`[^`]*`")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """Return the lines of a Markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """Return the anchor GitHub gives a heading: lower case, punctuation dropped, dashes."""
    text = heading.replace("`", "").strip().lower()
    text = "".join(char for char in text if char.isalnum() or char in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Return every heading anchor of a Markdown file (repeated headings get -1, -2, ...)."""
    seen: Counter[str] = Counter()
    found = set()
    for line in prose_lines(path.read_text()):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            found.add(f"{base}-{seen[base]}" if seen[base] else base)
            seen[base] += 1
    return found


def relative_links(path: Path) -> list[str]:
    """Return the targets of the links in a Markdown file that point inside the repository."""
    targets = []
    for line in prose_lines(path.read_text()):
        for target in LINK.findall(CODE_SPAN.sub("", line)):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                targets.append(target)
    return targets


def broken_link(source: Path, target: str) -> str | None:
    """Return why a relative link from `source` leads nowhere, or None if it resolves."""
    file_part, _, anchor = target.partition("#")
    destination = (source.parent / file_part).resolve() if file_part else source
    if not destination.exists():
        return f"{target}: no such file"
    if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
        return f"{target}: no heading #{anchor} in {destination.relative_to(ROOT)}"
    return None


def test_the_readme_stays_short() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_the_readme_names_the_two_commands_and_the_fast_test_loop() -> None:
    text = README.read_text()
    for command in ("`make run`", "`make test`", "`make test-fast`"):
        assert command in text, command


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(document: Path) -> None:
    problems = [
        problem
        for target in relative_links(document)
        if (problem := broken_link(document, target)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_the_anchor_of_a_heading_follows_githubs_rules() -> None:
    """GIVEN headings with code, punctuation and capitals THEN their anchors match GitHub's."""
    assert slug("Checks (`make deploy-check`, part of `make test`)") == (
        "checks-make-deploy-check-part-of-make-test"
    )
    assert (
        slug("The projections' functions: the sweeper") == "the-projections-functions-the-sweeper"
    )
    assert slug("`copper process`") == "copper-process"
