"""The README's table of conventions lists every clock with its citation and status."""

from pathlib import Path

from dsar.deadlines.rules import RULES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_clock_is_in_the_readme_conventions_table_with_its_status():
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    for code, rule in RULES.items():
        assert code in rows, code
        cells = [cell.strip() for cell in rows[code].strip("|").split("|")]
        assert cells[-1] == rule.status, code
        assert cells[-2] == rule.citation, code
        assert rule.convention_status in cells[1], code
