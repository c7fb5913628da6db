"""Text from files and the command line, made safe to print on a terminal.

Scenario files are shared between organisations, so every name, description and id
in them is untrusted. Printed through rich, such a string would be read as console
markup (``[/bold]`` ends a style the program did not open, ``[link=...]`` hides a
hyperlink behind innocent text) and emoji codes (``:100:``) would be substituted;
printed raw, a terminal escape sequence (``\\x1b[31m``) would drive the terminal.
:func:`plain` turns such a string into a rich :class:`~rich.text.Text`, which rich
never parses as markup or emoji, with every control character shown visibly.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

__all__ = ["plain", "plain_markup", "visible"]

# C0 controls, DEL, C1 controls, and the Unicode bidirectional overrides and isolates
# (which reorder what a terminal shows, "Trojan source").
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEP_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _show(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, newlines: bool = False) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``).

    Args:
        text: any value; it is converted with ``str``.
        newlines: keep line breaks as they are (for multi-line messages).
    """
    pattern = _CONTROL_KEEP_NEWLINE if newlines else _CONTROL
    return pattern.sub(_show, str(text))


def plain(text: object, style: str = "", newlines: bool = False) -> Text:
    """``text`` as a rich ``Text`` (never markup, never emoji), control characters visible."""
    return Text(visible(text, newlines), style=style)


def plain_markup(text: object) -> str:
    """``text`` escaped for a string that is read as markup (progress bars, statuses).

    Prefer :func:`plain`; this is for the places where rich only accepts markup. Emoji
    codes are left as they are, so the console must have ``emoji=False``.
    """
    return escape(visible(text))
