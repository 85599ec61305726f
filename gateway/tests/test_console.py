"""The gateway serves the web console's build at `/`: files as files, every console route as
index.html, and never a path of the API or the documentation (CONTRACT: Web console)."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway_svc import console
from gateway_svc.main import create_app
from gateway_svc.settings import Settings


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text("<!doctype html><title>控制台</title>", encoding="utf-8")
    (d / "assets" / "index-abc123.js").write_text("console.log(1)")
    (d / "favicon.ico").write_bytes(b"\x00\x01")
    (tmp_path / "secret.txt").write_text("outside")
    return d


def client(dist: Path) -> TestClient:
    return TestClient(create_app(Settings(dev_auth=True, console_dir=str(dist))))


def test_root_and_console_routes_get_index(dist):
    c = client(dist)
    for path in ("/", "/directory", "/staff/runs", "/me/businesses?x=1"):
        r = c.get(path)
        assert r.status_code == 200 and "控制台" in r.text, path
        assert r.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_files_cached_for_good(dist):
    c = client(dist)
    r = c.get("/assets/index-abc123.js")
    assert r.status_code == 200 and r.text == "console.log(1)"
    assert "immutable" in r.headers["cache-control"]
    assert c.get("/favicon.ico").content == b"\x00\x01"


def test_a_missing_asset_is_a_404_problem_not_the_index(dist):
    r = client(dist).get("/assets/index-old999.js")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert "刷新" in r.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v2/anything", "/api/", "/openapi.json/x", "/healthz/x", "/metrics", "/static/nothing.js"])
def test_reserved_paths_never_get_the_console(dist, path):
    r = client(dist).get(path)
    assert r.status_code == 404, path
    assert "控制台" not in r.text


def test_the_gateway_own_pages_stay_theirs(dist):
    c = client(dist)
    assert c.get("/healthz").json()["service"] == "gateway"
    assert "swagger" in c.get("/docs").text.lower()
    assert c.get("/problems").status_code == 200
    assert c.post("/api/v1/auth/dev-token", json={"sub": "a", "roles": ["public"]}).status_code == 200


def test_no_path_leaves_the_build(dist):
    assert console.file_in(dist, "../secret.txt") is None
    assert console.file_in(dist, "assets/../../secret.txt") is None
    r = client(dist).get("/%2e%2e/secret.txt")
    assert "outside" not in r.text


def test_without_a_build_the_root_says_how_to_build_it(tmp_path):
    r = client(tmp_path / "none").get("/directory")
    assert r.status_code == 503 and "make up" in r.text and "控制台尚未构建" in r.text


def test_reserved_prefixes_match_whole_segments():
    assert console.reserved("api/v1/x") and console.reserved("docs") and console.reserved("problems/x")
    assert not console.reserved("docsearch") and not console.reserved("apis") and not console.reserved("directory")
