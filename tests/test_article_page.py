"""The article view on the Compare page: its claims beside its own numbers, and the home page's way in."""

from urllib.parse import parse_qsl

import core
from tests.apptest_helpers import markdown_tables, open_page, page_link_protos

STOP_COLUMN = "first step with |x| ≤ 0.1 and |y| < 0.1"


def test_article_claims_stand_beside_its_numbers():
    at = open_page("pages/compare.py", {"article": "1"})
    assert not at.exception
    claims = markdown_tables(at)[0].set_index("optimizer")
    assert "fastest" in claims.loc["Adam", "the article says"]
    adam = claims.loc["Adam", "its own numbers show"]
    assert "stopping rule at step 17" in adam and "never reaches f − f* ≤ 1e-3" in adam
    assert "f − f* ≤ 1e-3 at step 18 (first)" in claims.loc["Momentum (heavy ball)", "its own numbers show"]
    numbers = markdown_tables(at)[1].set_index("optimizer")
    assert numbers.loc["Momentum (heavy ball)", "steps to f − f* ≤ 1e-3"] == "18"
    assert numbers.loc["Adam", "steps to f − f* ≤ 1e-3"] == "never"
    assert list(numbers[STOP_COLUMN]) == ["never", "18", "never", "20", "17"]
    assert numbers.loc["Adam", "start"] == "(-6, -6)"


def test_adams_early_stop_is_explained_under_the_loss_chart():
    at = open_page("pages/compare.py", {"article": "1"})
    notes = [c.value for c in at.caption if c.value.startswith("Adam's line goes flat")]
    assert len(notes) == 1 and "after 17 updates" in notes[0] and "f = 0.63 at step 20" in notes[0]


def test_home_link_opens_the_article_view():
    home = open_page("pages/home.py")
    link = next(p for p in page_link_protos(home) if p.label.startswith("Reproduce the article"))
    assert link.page == "compare" and link.query_string == "article=1"
    at = open_page("pages/compare.py", dict(parse_qsl(link.query_string)))
    assert not at.exception
    assert at.toggle(key="compare:article").value
    assert "fastest" in markdown_tables(at)[0].set_index("optimizer").loc["Adam", "the article says"]


def test_home_says_which_optimizers_are_not_in_torch():
    at = open_page("pages/home.py")
    intro = at.markdown[0].value
    outside = [core.get_spec(n) for n in core.OPTIMIZERS + core.NETWORK_OPTIMIZERS if not core.get_spec(n).torch_name]
    assert all(s.display_name in intro.split("matches `torch.optim`")[0] for s in outside)
    assert "Lion follows the published paper" in intro
    for s in outside:
        if s.reference is not None:
            alike = [o for o in outside if o.reference is not None and o.reference.package == s.reference.package]
            verb = "matches" if len(alike) == 1 else "match"  # "Prodigy matches", "AdEMAMix, ADOPT, … match"
            assert f"{verb} {s.reference.package} {s.reference.version}" in intro
