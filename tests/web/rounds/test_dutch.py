"""HR's rounds pages in Dutch: a refused change and the round log read as Dutch sentences, not as
the services' English."""

from __future__ import annotations

import html
import re

from tests.web.rounds.support import MENTORING, act, propose, publish, review_url


def test_a_refused_change_and_the_round_log_read_in_dutch(app, hr):
    propose(hr)
    assert act(hr, "lock", {"members": "niels,pim", "lock": "1"}).status_code == 302
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"

    refused = act(hr, "swap", {"swap-first": "pim", "swap-second": "roos"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "het duo van niels, pim is vastgezet; maak dat eerst los voordat je ruilt" in page
    assert "is locked" not in page

    page = html.unescape(hr.get(review_url()).get_data(as_text=True))
    assert "vastgezet: niels, pim vastgezet" in page
    assert "voorgesteld: 4 duo's, 1 niet ingedeeld; score " in page
    assert "proposed:" not in page and "locked niels" not in page

    assert publish(hr).status_code == 302
    page = html.unescape(hr.get(review_url()).get_data(as_text=True))
    assert "gepubliceerd: 4 duo's in de geschiedenis vastgelegd, vanaf 21 november 2026" in page
    assert "written to the history" not in page

    again = publish(hr)
    page = html.unescape(again.get_data(as_text=True))
    assert again.status_code == 400
    # Published at the moment the page was asked, a date in Dutch.
    assert re.search(rf"ronde '{MENTORING}' is al gepubliceerd op \d{{1,2}} [a-z]+ \d{{4}}</li>", page)
