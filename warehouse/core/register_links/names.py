"""One spelling for comparing the names of an association written in Kazakh, Russian or Latin:
Cyrillic (with the Kazakh letters) transliterated to Latin, the words that say what kind of
association it is (mosque, мешіті, church, шіркеуі, branch, ...) dropped, the rest sorted, so
that «Мечеть «Нур» (Каратал)» and «Нұр мешіті (Қаратал)» are both `karatal nur`.
"""

from __future__ import annotations

import re
import unicodedata

LATIN = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sh", "", "y", "", "e", "yu", "ya",
     "a", "g", "k", "n", "o", "u", "u", "h", "i"], strict=True))
# Words naming the kind of association or its legal form, in kk/ru/en, transliterated.
KIND_WORDS = {
    "mechet", "meshiti", "tserkov", "shirkeui", "prikhod", "prikhody", "obshchina", "kauymy",
    "religioznoe", "obedinenie", "dini", "birlestigi", "filial", "filialy", "fond", "kory",
    "predstavitelstvo", "okildigi", "mosque", "church", "parish", "community", "branch",
    "religious", "association", "foundation", "mestnoe", "zhergilikti", "local",
}
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def latin(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(LATIN.get(c, c) for c in text)


def name_key(text: str | None) -> str:
    """The comparable form of one name (empty for none)."""
    if not text:
        return ""
    words = _NOT_LETTERS.sub(" ", latin(text)).split()
    return " ".join(sorted(w for w in words if w not in KIND_WORDS))


def key_of_names(names: str) -> str:
    """The key of a record's names («ru | kk»): the Russian name's, else the Kazakh one's."""
    ru, _, kk = names.partition(" | ")
    return name_key(ru) or name_key(kk)
