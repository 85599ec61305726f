"""A verified token is kept until its own expiry, never past it, and a refused one is never kept."""
from __future__ import annotations

import time

import jwt
import pytest

from getihu_kit import auth
from getihu_kit.errors import Unauthorized

SECRET = "a-test-secret-of-forty-characters-or-so-0123"


def _token(exp_in: float, sub: str = "clerk-1") -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "roles": ["county_staff"], "region_code": "232701", "iss": "getihu-dev",
                       "aud": "getihu", "iat": now, "exp": now + exp_in}, SECRET, algorithm="HS256")


def _verify(token: str) -> auth.Principal:
    return auth.verify(token, secret=SECRET, issuer="getihu-dev", audience="getihu")


def test_a_verified_token_is_kept_until_its_expiry():
    cache, token = auth.VerifiedTokens(), _token(600)
    assert cache.get(token) is None
    cache.put(token, _verify(token))
    assert cache.get(token).sub == "clerk-1"
    assert cache.get(_token(600, sub="clerk-2")) is None  # another token is another caller


def test_a_token_past_its_expiry_is_never_answered_from_the_cache(monkeypatch):
    cache, token = auth.VerifiedTokens(), _token(5)
    cache.put(token, _verify(token))
    assert cache.get(token) is not None
    later = time.time() + 6
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert cache.get(token) is None


def test_the_cache_stays_bounded_dropping_expired_entries_first():
    cache = auth.VerifiedTokens(size=3)
    live = [_token(600, sub=f"c{i}") for i in range(3)]
    for t in live:
        cache.put(t, _verify(t))
    newest = _token(600, sub="c3")
    cache.put(newest, _verify(newest))
    assert len(cache._entries) == 3 and cache.get(newest) is not None and cache.get(live[0]) is None


def test_through_a_service_a_refused_token_stays_refused_and_a_good_one_is_verified_once(monkeypatch):
    from fastapi import Depends
    from fastapi.testclient import TestClient

    from getihu_kit.settings import ServiceSettings
    from getihu_kit.web import ANYONE, create_app

    calls = []
    real = auth.verify

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)
    monkeypatch.setattr(auth, "verify", counting)
    app = create_app(settings=ServiceSettings(jwt_secret=SECRET, service_name="tokens-test"), title="t")

    @app.get("/who")
    async def who(p: auth.Principal = Depends(ANYONE)):
        return {"sub": p.sub}
    good, bad = _token(600), _token(600)[:-4] + "AAAA"
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/who", headers={"Authorization": f"Bearer {good}"}).json() == {"sub": "clerk-1"}
        assert len(calls) == 1
        for _ in range(2):
            r = client.get("/who", headers={"Authorization": f"Bearer {bad}"})
            assert r.status_code == 401 and r.json()["code"] == "token_invalid"
        assert len(calls) == 3
        # a verified token under another scheme is refused as before, not answered from the cache
        r = client.get("/who", headers={"Authorization": f"Basic {good}"})
        assert r.status_code == 401
    with pytest.raises(Unauthorized):
        _verify(bad)
