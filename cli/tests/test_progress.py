import io

from getihu_cli.progress import bar, follow


def test_bar_bounds():
    assert bar(0) == "[" + "-" * 30 + "]   0.0%"
    assert bar(1.5).startswith("[" + "#" * 30 + "]") and bar(0.5).count("#") == 15


def test_follow_redraws_until_done():
    states = iter([{"progress": 0.1, "status": "running"}, {"progress": 0.6, "status": "running"},
                   {"progress": 1.0, "status": "completed"}])
    out = io.StringIO()
    final = follow(lambda: next(states), done=lambda s: s["status"] == "completed",
                   describe=lambda s: s["status"], interval=0, out=out)
    assert final["status"] == "completed"
    assert out.getvalue().count("\r") == 3 and "100.0%" in out.getvalue()
