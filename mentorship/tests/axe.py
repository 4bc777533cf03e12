"""Screenshots and accessibility checks of the pages a browser test visits.

``PageChecker.check(page, name)`` saves a full-page screenshot of the page as it is now and runs axe-core
(vendored from npm in ``vendor/axe-core``, ``make vendor``) on it, keeping every finding of impact
"serious" or "critical". The test asserts ``checker.problems == []`` at its end, so that one run lists
every page's problems at once; ``report()`` prints them with the rule, the address and the elements.

axe-core is evaluated in the page through the browser's debugging protocol, which a page's Content
Security Policy does not govern (a ``<script>`` element added by ``page.add_script_tag`` is inline script,
which the site's policy refuses). The page is checked as the person sees it, in the same context, policy
intact; it is never loaded a second time.
"""

import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}

# The rules of WCAG 2.x A and AA and axe's best practices; "region" (every bit of content inside a landmark)
# and the like are only reported if serious or critical, as every finding is.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
    summary: (violation.nodes[0] && violation.nodes[0].failureSummary) || "",
  }));
}"""


@dataclass
class Finding:
    page: str
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]
    summary: str

    def __str__(self) -> str:
        summary = " ".join(self.summary.split())
        return f"{self.impact}: {self.rule} on {self.url} [{self.page}]: {', '.join(self.targets)} ({summary})"


@dataclass
class PageChecker:
    """Saves ``NN-name.png`` under ``folder`` for each page checked, and keeps axe-core's serious findings."""

    folder: Path
    problems: list[Finding] = field(default_factory=list)
    count: int = 0
    seconds: float = 0.0  # spent taking screenshots and checking
    checked: set[str] = field(default_factory=set)  # the names of the pages checked

    def __post_init__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):  # the screenshots of the last run only
            old.unlink()
        self._source = AXE_SOURCE.read_text(encoding="utf-8")

    def check(self, page, name: str) -> None:
        started = time.monotonic()
        self.count += 1
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
        page.wait_for_load_state("load")
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{slug}.png"), full_page=True)
        if name in self.checked:  # the same page in the same state again (a second login): saved, not re-checked
            self.seconds += time.monotonic() - started
            return
        self.checked.add(name)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self._source)
        for violation in page.evaluate(RUN_AXE):
            if violation["impact"] in FAILING_IMPACTS:
                self.problems.append(
                    Finding(
                        page=f"{self.count:02d}-{slug}",
                        url=page.url,
                        rule=violation["id"],
                        impact=violation["impact"],
                        help=violation["help"],
                        targets=violation["targets"],
                        summary=violation["summary"],
                    )
                )
        self.seconds += time.monotonic() - started

    def report(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
