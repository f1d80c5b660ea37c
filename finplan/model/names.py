"""Names as a person reads them: the one rule for comparing and storing names.

Two spellings a reader cannot tell apart must be the same name: ``Région``
typed on a Mac (``e`` + combining acute, NFD) and on Windows (``é``, NFC), or
a name pasted from a web page with a zero-width space or a bidi mark in it.
:func:`clean_text` is what finplan keeps of a text (NFC, invisible characters
removed); :func:`name_key` is what two names are compared by (the cleaned
text, any kind of space as one plain space).  Every place that stores or
matches a name — funder names, scenario names, need identifiers, the
selectors of key paths such as ``funder[Région].rate`` — goes through them.

>>> clean_text("Re\\u0301gion\\u200b") == "Région"
True
>>> name_key("Région\\u00a0(ESS)") == name_key("Re\\u0301gion (ESS)")
True
>>> name_key("Région") == name_key("Region")
False
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE", "clean_text", "name_key"]

# Characters that show nothing (or only reorder what is around them): zero-width
# space, non-joiner and joiner, word joiner, invisible operators, BOM, soft hyphen,
# Mongolian vowel separator, bidi marks, embeddings, overrides and isolates.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                       "\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """``text`` in Unicode NFC, without invisible characters, stripped.

    >>> clean_text("\\ufeff Atelier\\u00ad vélo ")
    'Atelier vélo'
    """
    return unicodedata.normalize("NFC", INVISIBLE.sub("", text)).strip()


def name_key(text: str) -> str:
    """The key two names are compared by: :func:`clean_text`, every run of spaces
    (non-breaking, thin, tabs…) as one plain space.  Case and accents still count:
    ``Région`` and ``Region`` are two names.

    >>> name_key(" Région \\u202f(ESS) ")
    'Région (ESS)'
    """
    return _SPACES.sub(" ", clean_text(text))
