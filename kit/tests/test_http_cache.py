"""kit.http_cache: the ETag of an answer's bytes and RFC 9110's If-None-Match comparison."""
from __future__ import annotations

from getihu_kit.http_cache import etag, matches


def test_the_tag_follows_the_bytes():
    assert etag(b'{"a":1}') == etag(b'{"a":1}') != etag(b'{"a":2}')
    assert etag(b"").startswith('"') and etag(b"").endswith('"')


def test_if_none_match_is_a_weak_comparison_over_a_list():
    tag = etag(b"x")
    assert matches(tag, tag) and matches(f"W/{tag}", tag) and matches(f'"other", {tag}', tag) and matches("*", tag)
    assert not matches(None, tag) and not matches("", tag) and not matches('"other"', tag)
    assert not matches(tag[:-2] + '"', tag)
