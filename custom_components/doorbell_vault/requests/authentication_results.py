"""RFC 8601 `Authentication-Results` header values, parsed strictly.

Written here rather than taken from `authres` (the parser of the dkimpy maintainers): it is published as a
source archive only, and a requirement of the integration needs a musllinux wheel to install on Home
Assistant OS. Only what a verdict needs is kept: the authserv-id, and each result's method, result and
`ptype.property` values. Comments (nested, with escapes) are skipped; quoted strings keep their `;` and
spaces; anything that does not follow the grammar gives no results at all (fail closed).
"""

from __future__ import annotations

import re
from typing import Final

type Result = tuple[str, str, dict[str, str]]

# RFC 2045 token: any visible character but tspecials (`.` and `-` are allowed, so ids and methods pass).
_TOKEN: Final = re.compile(r"[^\s()<>@,;:\\\"/\[\]?=]+")
# A property value that is not quoted: `user@example.com`, `example.com`, a base64 fragment.
_PVALUE: Final = re.compile(r"[^\s;()\"]+")


class _Grammar:
    """A recursive-descent reader over one header value; every error is a ValueError."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def _skip(self) -> None:
        """Whitespace and (nested) comments."""
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t\r\n":
                self.at += 1
            elif char == "(":
                depth = 0
                while True:
                    if self.at >= len(text):
                        raise ValueError("unterminated comment")
                    char = text[self.at]
                    self.at += 2 if char == "\\" else 1
                    if char == "(":
                        depth += 1
                    elif char == ")":
                        depth -= 1
                        if depth == 0:
                            break
            else:
                return

    def peek(self) -> str:
        self._skip()
        return self.text[self.at] if self.at < len(self.text) else ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"{char!r} expected at {self.at}")
        self.at += 1

    def _match(self, pattern: re.Pattern[str]) -> str:
        self._skip()
        if (found := pattern.match(self.text, self.at)) is None:
            raise ValueError(f"a token expected at {self.at}")
        self.at = found.end()
        return found.group()

    def token(self) -> str:
        return self._match(_TOKEN)

    def _quoted(self) -> str:
        self.at += 1
        kept: list[str] = []
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char == "\\" and self.at + 1 < len(text):
                kept.append(text[self.at + 1])
                self.at += 2
            elif char == '"':
                self.at += 1
                return "".join(kept)
            else:
                kept.append(char)
                self.at += 1
        raise ValueError("unterminated quoted string")

    def value(self) -> str:
        return self._quoted() if self.peek() == '"' else self.token()

    def pvalue(self) -> str:
        return self._quoted() if self.peek() == '"' else self._match(_PVALUE)


def serv_id(value: str) -> str:
    """The authserv-id a header value starts with, lower case ('' when it has none).

    Cheap: it finds the one header worth parsing among the many a sender may have written.
    """
    try:
        return _Grammar(value).value().lower()
    except ValueError:
        return ""


def parse(value: str) -> tuple[str, list[Result]]:
    """(authserv-id, [(method, result, {"ptype.property": value})]), all lower case.

    ValueError when the value does not follow RFC 8601.
    """
    grammar = _Grammar(value)
    authserv_id = grammar.value().lower()
    if grammar.peek().isdigit():
        grammar.token()  # authres-version
    results: list[Result] = []
    while grammar.peek() == ";":
        grammar.take(";")
        if grammar.peek() == "":
            break  # a trailing `;`, as some servers write
        method = grammar.token().lower()
        if method == "none" and grammar.peek() in ("", ";"):
            continue
        if grammar.peek() == "/":
            grammar.take("/")
            grammar.token()  # method version
        grammar.take("=")
        result = grammar.token().lower()
        properties: dict[str, str] = {}
        while grammar.peek() not in ("", ";"):
            name = grammar.token().lower()
            grammar.take("=")
            if name == "reason":
                grammar.value()
                continue
            ptype, dot, prop = name.partition(".")
            if not dot or not ptype or not prop:
                raise ValueError(f"ptype.property expected, not {name!r}")
            properties[name] = grammar.pvalue().lower()
        results.append((method, result, properties))
    if grammar.peek() != "":
        raise ValueError(f"unexpected text at {grammar.at}")
    return authserv_id, results
