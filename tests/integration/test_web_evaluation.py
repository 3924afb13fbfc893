"""Programme evaluation from the web app: upload, result, downloads, audit, nothing kept."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from _web import WebApp, csrf_of, make_app, sign_in
from fastapi.testclient import TestClient

from justicelink.app.evaluation import evaluate
from justicelink.evaluation import parse_participants

PURPOSE = "evaluation asked for by the provider, 2021 intake"


@pytest.fixture
def web(linked_country: Path, store_url: str, tmp_path: Path) -> WebApp:
    app = make_app(linked_country, store_url, tmp_path)
    yield app
    app.app.state.evidence.close()
    app.store.close()


def _participant_file(warehouse: Path) -> str:
    """The provider's list for its largest programme, as it would send it, plus one row
    naming a record nobody holds."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT agency_id, split_part(record_id, ':', 2), start_date FROM participation"
            " WHERE programme_id = (SELECT programme_id FROM participation GROUP BY ALL"
            "  ORDER BY count(*) DESC, programme_id LIMIT 1) AND start_date IS NOT NULL"
            " ORDER BY record_id"
        ).fetchall()
    lines = ["agency,record_key,start_date", *(f"{a},{k},{d}" for a, k, d in rows)]
    return "\n".join([*lines, "ngo,NO-SUCH-RECORD,2021-03-01"]) + "\n"


def test_an_analyst_evaluates_an_uploaded_list_and_downloads_the_report(
    web: WebApp, linked_country: Path
) -> None:
    text = _participant_file(linked_country / "w.duckdb")
    listed = text.count("\n") - 1
    with TestClient(web.app) as client:
        sign_in(client, web, "ana")
        form = client.get("/evaluate")
        assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
        page = client.post(
            "/evaluate",
            data={"csrf_token": csrf_of(form.text), "programme": "Work Ready", "purpose": PURPOSE},
            files={"participants": ("participants.csv", text.encode(), "text/csv")},
        )
        assert page.status_code == 200, page.text
        links = sorted(set(_links(page.text)))
        assert [link.rsplit("/", 1)[1] for link in links] == [
            "evaluation.html",
            "evaluation.json",
            "not_evaluated.csv",
        ]
        result = client.get(next(link for link in links if link.endswith(".json"))).json()
        left_out = client.get(next(link for link in links if link.endswith(".csv"))).text
    # The page's figures are the use case's on the same warehouse and list.
    expected = evaluate(
        linked_country / "w.duckdb", "Work Ready", participants=parse_participants(text)
    ).evaluation.to_json()
    assert result == expected
    assert result["participants"] == listed
    # Too few for the Justice Data Lab's 60 matched participants: said, not computed.
    assert result["matched_participants"] < 60 and not result["can_run"]
    assert "cannot be run" in page.text and result["cannot_run_reason"] in page.text
    assert "ngo:NO-SUCH-RECORD" in left_out or "NO-SUCH-RECORD" in left_out
    entries = web.audit.entries(limit=5)
    run = next(e for e in entries if e.action == "combination")
    assert (run.user_name, run.object, run.purpose) == ("ana", "programme Work Ready", PURPOSE)
    assert len(json.loads(run.detail or "{}")["participants"]) == listed
    downloads = [e for e in entries if e.action == "disclosure"]
    assert {json.loads(e.detail or "{}")["export"] for e in downloads} == {
        "evaluation.json",
        "not_evaluated.csv",
    }


def _links(html: str) -> list[str]:
    import re

    return re.findall(r'href="(/evaluate/[^"]+)"', html)


def test_no_purpose_no_evaluation_and_others_cannot_download(
    web: WebApp, linked_country: Path
) -> None:
    text = _participant_file(linked_country / "w.duckdb")
    with TestClient(web.app) as client:
        sign_in(client, web, "ana")
        form = client.get("/evaluate")
        refused = client.post(
            "/evaluate",
            data={"csrf_token": csrf_of(form.text), "programme": "Work Ready", "purpose": "x"},
            files={"participants": ("participants.csv", text.encode(), "text/csv")},
        )
        assert refused.status_code == 400 and "purpose" in refused.text
        bad = client.post(
            "/evaluate",
            data={"csrf_token": csrf_of(form.text), "programme": "Work Ready", "purpose": PURPOSE},
            files={"participants": ("names.csv", b"name,date\nAna,2020-01-01\n", "text/csv")},
        )
        assert bad.status_code == 400 and "names.csv: the header must name" in bad.text
        done = client.post(
            "/evaluate",
            data={"csrf_token": csrf_of(form.text), "programme": "Work Ready", "purpose": PURPOSE},
            files={"participants": ("participants.csv", text.encode(), "text/csv")},
        )
        link = _links(done.text)[0]
    assert not [e for e in web.audit.entries(limit=10) if e.action == "combination"][1:]
    with TestClient(web.app) as other:
        sign_in(other, web, "kim")  # an agency officer: no permission at all
        assert other.get(link, follow_redirects=False).status_code == 403
    with TestClient(web.app) as forger:
        sign_in(forger, web, "ana")
        unknown = forger.get(link.rsplit("/", 1)[0] + "x/evaluation.json")
        assert unknown.status_code == 404 and "no longer kept" in unknown.text
