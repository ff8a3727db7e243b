"""RFC 8601 Authentication-Results values, parsed strictly (the examples of its appendix B among them)."""

from __future__ import annotations

import pytest

from custom_components.doorbell_vault.requests.authentication_results import parse, serv_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.org 1; none", ("example.org", [])),
        (
            "example.com; spf=pass smtp.mailfrom=example.net",
            ("example.com", [("spf", "pass", {"smtp.mailfrom": "example.net"})]),
        ),
        (
            "example.com;\r\n auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
            " spf=pass smtp.mailfrom=example.net",
            (
                "example.com",
                [
                    ("auth", "pass", {"smtp.auth": "sender@example.net"}),
                    ("spf", "pass", {"smtp.mailfrom": "example.net"}),
                ],
            ),
        ),
        (
            'mx.example.net (a (nested) comment); dkim/1=pass reason="good; signature" header.d=Example.COM '
            'header.b="ab cd;ef"; dmarc=fail header.from=example.com;',
            (
                "mx.example.net",
                [
                    ("dkim", "pass", {"header.d": "example.com", "header.b": "ab cd;ef"}),
                    ("dmarc", "fail", {"header.from": "example.com"}),
                ],
            ),
        ),
        (
            '"mx.example.net"; dkim=pass header.i=@example.com',
            ("mx.example.net", [("dkim", "pass", {"header.i": "@example.com"})]),
        ),
    ],
)
def test_values_that_follow_the_grammar(value: str, expected: tuple[str, list[object]]) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "mx.example.net; dkim",
        "mx.example.net; dkim=pass header=example.com",
        'mx.example.net; dkim=pass header.d="unterminated',
        "mx.example.net (unterminated; dkim=pass",
        "mx.example.net dkim=pass",
        "mx.example.net; =pass",
    ],
)
def test_values_that_do_not_give_nothing(value: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - every grammar error is a ValueError
        parse(value)


def test_the_authserv_id_is_read_cheaply_past_comments() -> None:
    assert serv_id("(a comment) MX.example.net; dkim=pass") == "mx.example.net"
    assert serv_id("(unterminated") == ""
