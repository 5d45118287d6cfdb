"""The words of organisation names: what the duplicate finder and the search compare.

A name is split into lower-case words (ё read as е, quotes and punctuation dropped, «ТОП-МЕНЕДЖЕР» as two words);
each word is reduced to its dictionary form (pymorphy3: «ветеранов» → «ветеран», «Пеновская» → «пеновский») so
that inflection does not count as a difference. Words of legal forms and their abbreviations, administrative
levels and structure («автономный», «некоммерческий», «организация», «районный», «отделение», «АНО», «ЧОУ»,
«ДПО»…) say what kind of body it is, not which one: they are *generic*. Numbers are kept apart («школа № 5» and
«школа № 6» are two schools).

Typed queries have their own variants: a word typed in the Latin keyboard layout («ujcgbc» is «госпис» typed with
the layout switched) and a rough phonetic key («Ёлка» = «елка», «Аллея» = «алея», «ий» = «ый»).
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[0-9a-zа-я]+")

# Legal forms, their abbreviations (as EGRUL writes them after a comma: «РАССВЕТ, АНО»; «АВТОШКОЛА, ЧОУ ДПО»),
# administrative levels and structural words, in dictionary form. They weigh almost nothing when names are
# compared; the duplicate finder and the search read the rest.
GENERIC_WORDS = frozenset(
    [
        "автономный",
        "некоммерческий",
        "организация",
        "общественный",
        "объединение",
        "региональный",
        "межрегиональный",
        "общероссийский",
        "всероссийский",
        "международный",
        "местный",
        "городской",
        "районный",
        "областной",
        "краевой",
        "окружной",
        "республиканский",
        "муниципальный",
        "территориальный",
        "первичный",
        "благотворительный",
        "фонд",
        "частный",
        "учреждение",
        "негосударственный",
        "государственный",
        "партнерство",
        "ассоциация",
        "союз",
        "движение",
        "общество",
        "самоуправление",
        "отделение",
        "филиал",
        "представительство",
        "структурный",
        "подразделение",
        "профессиональный",
        "профсоюзный",
        "образовательный",
        "общеобразовательный",
        "дошкольный",
        "дополнительный",
        "образование",
        "высший",
        "средний",
        "начальный",
        "ано",
        "ано",
        "до",
        "дпо",
        "чоу",
        "чу",
        "ноу",
        "до",
        "поу",
        "ночу",
        "чпоу",
        "чудо",
        "уц",
        "бф",
        "впо",
        "нчоу",
        "ппо",
        "очу",
        "чоудо",
        "поо",
        "аноо",
        "одпо",
        "ну",
        "оу",
        "нчу",
        "чоудпо",
        "почу",
        "анпоо",
        "нноу",
        "чуоо",
        "чупо",
        "оано",
        "ноудо",
        "удпо",
        "чуодо",
        "чноу",
        "ндочу",
        "доо",
        "одо",
        "удо",
        "оод",
        "спо",
        "поано",
        "чну",
        "нко",
        "нп",
        "оо",
        "роо",
        "моо",
        "мроо",
        "рбоо",
        "мбф",
        "бо",
        "ро",
        "мо",
        "ру",
        "ооои",
        "вооо",
        "тос",
        "ооо",
        "оао",
        "пао",
        "ао",
        "зао",
        "ип",
        "чудпо",
        "чдоу",
        "дод",
        "нудо",
        "и",
        "в",
        "во",
        "на",
        "по",
        "для",
        "с",
        "со",
        "к",
        "при",
        "о",
        "об",
        "от",
        "из",
        "за",
        "им",
        "имя",
        "г",
        "город",
        "российский",
        "федерация",
        "россия",
        "рф",
        "область",
        "край",
        "республика",
        "округ",
        "автономный",
    ]
)

# The Latin keyboard layout typed as if it were the Russian one (ЙЦУКЕН): «ujcgbc» → «госпис».
LATIN_TO_CYRILLIC = str.maketrans(
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~",
    "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ",
)
CYRILLIC_TO_LATIN = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>",
)


def plain(text: str) -> str:
    """Lower case, ё as е."""
    return (text or "").lower().replace("ё", "е")


def name_words(name: str) -> list[str]:
    """The words of a name as written (lower case, ё as е), quotes and punctuation dropped."""
    return WORD.findall(plain(name))


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a Russian word («ветеранов» → «ветеран»); other words as they are."""
    if len(word) < 3 or not re.search("[а-я]", word) or word.isdigit():
        return word
    return plain(_morph().parse(word)[0].normal_form)


@lru_cache(maxsize=200_000)
def may_abbreviate(word: str) -> bool:
    """Whether a word may be an abbreviation of several («ИКРГ», «ДОСААФ»): two to six letters, not a word the
    dictionary knows."""
    return 2 <= len(word) <= 6 and word.isalpha() and not _morph().word_is_known(word)


def is_generic(word: str) -> bool:
    """A legal-form, administrative-level or structural word, or a one-letter word."""
    return word in GENERIC_WORDS or (len(word) == 1 and not word.isdigit())


def from_latin_layout(text: str) -> str:
    """``text`` as it would read had the keyboard been in the Russian layout: «ujcgbc» → «госпис»."""
    return text.translate(LATIN_TO_CYRILLIC)


def from_cyrillic_layout(text: str) -> str:
    """``text`` as it would read had the keyboard been in the Latin layout: «ыщы» → «sos»."""
    return text.translate(CYRILLIC_TO_LATIN)


def typed_in_other_layout(query: str) -> str:
    """The query re-read in the other keyboard layout when it holds letters of one alphabet only; else ''."""
    has_latin = bool(re.search("[a-zA-Z]", query))
    has_cyrillic = bool(re.search("[а-яА-ЯёЁ]", query))
    if has_latin and not has_cyrillic:
        return from_latin_layout(query)
    if has_cyrillic and not has_latin:
        return from_cyrillic_layout(query)
    return ""


# A rough sound of a Russian word, for the spellings people confuse: ё/е, й/и, ы/и after a hard consonant, double
# letters, soft and hard signs, unstressed о/а and е/и/я, voiced and voiceless consonants at the end, тс/ц.
_SOUND_STEPS = (
    (re.compile("ё"), "е"),
    (re.compile("[ъь]"), ""),
    (re.compile("(тс|дс|тьс)"), "ц"),
    (re.compile("й"), "и"),
    (re.compile("ы"), "и"),
    (re.compile("о"), "а"),
    (re.compile("[эяе]"), "и"),
    (re.compile("ю"), "у"),
    (re.compile("(.)\\1+"), "\\1"),
    (re.compile("б$"), "п"),
    (re.compile("в$"), "ф"),
    (re.compile("г$"), "к"),
    (re.compile("д$"), "т"),
    (re.compile("[зж]$"), "с"),
)


@lru_cache(maxsize=200_000)
def sound(word: str) -> str:
    """A rough phonetic key of a word: «ёлка» and «елка», «аллея» and «алея», «хоспис» and «хосписс» share it."""
    key = plain(word)
    for pattern, replacement in _SOUND_STEPS:
        key = pattern.sub(replacement, key)
    return key
