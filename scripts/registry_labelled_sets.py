"""Build the two labelled sets the registry's duplicate finder and typo-tolerant search are measured on, from the
real NGO names of ``data/registry_sample/ngo_egrul_2022_jul.csv`` (EGRUL via openngo.ru, Teplitsa, Apache-2.0):

- ``data/registry_sample/dedup_labelled_pairs.csv``: pairs of records, each labelled ``duplicate`` (one
  organisation entered twice: a typo, other quotes or letter case, the legal form written out or abbreviated,
  another word order, the short name, identifiers missing or mistyped on one side…) or ``different`` (district
  branches whose names differ only in the district, the same name with another OGRN, numbered schools and
  kindergartens, another name in quotes, a successor registered after the first was liquidated, the same name in
  another legal form or region…). Two rows per pair (sides ``a`` and ``b``); ``source_ogrn`` names the real row
  each pair was made from, and each real row is used by one pair at most.
- ``data/registry_sample/search_typos.csv``: queries a person might type for a real organisation, misspelt in
  realistic ways (a neighbouring key, a letter left out, doubled or swapped, е/и, о/а, ё, ы/и, a double letter
  lost, the whole query typed in the Latin keyboard layout), with the organisation's OGRN and the correctly
  spelt query.

Deterministic (a fixed seed): ``python scripts/registry_labelled_sets.py`` rewrites both files identically.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "data/registry_sample/ngo_egrul_2022_jul.csv"
PAIRS = ROOT / "data/registry_sample/dedup_labelled_pairs.csv"
TYPOS = ROOT / "data/registry_sample/search_typos.csv"
SEED = 20261206

ROWS = ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"]
NEIGHBOURS = {char: row[max(0, i - 1) : i] + row[i + 1 : i + 2] for row in ROWS for i, char in enumerate(row)}
PHONETIC = [("е", "и"), ("и", "е"), ("о", "а"), ("а", "о"), ("ы", "и"), ("ш", "щ"), ("ц", "тс"), ("е", "ё")]
LEGAL_FORMS = {
    "АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ": ("АНО", "Автономная некоммерческая организация"),
    "БЛАГОТВОРИТЕЛЬНЫЙ ФОНД": ("БФ", "Благотворительный фонд"),
    "ЧАСТНОЕ УЧРЕЖДЕНИЕ": ("ЧУ", "Частное учреждение"),
    "ЧАСТНОЕ ОБРАЗОВАТЕЛЬНОЕ УЧРЕЖДЕНИЕ": ("ЧОУ", "Частное образовательное учреждение"),
    "НЕГОСУДАРСТВЕННОЕ ОБРАЗОВАТЕЛЬНОЕ УЧРЕЖДЕНИЕ": ("НОУ", "Негосударственное образовательное учреждение"),
}
OTHER_FORM = {"АНО": "БФ", "БФ": "АНО", "ЧУ": "АНО", "ЧОУ": "АНО", "НОУ": "АНО"}
# Districts of Russia (real names), as the feminine adjectives a district organisation's name begins with.
DISTRICTS = [
    "Пеновская",
    "Спировская",
    "Торжокская",
    "Бежецкая",
    "Кимрская",
    "Лихославльская",
    "Ржевская",
    "Оленинская",
    "Зубцовская",
    "Калязинская",
    "Кашинская",
    "Весьегонская",
    "Удомельская",
    "Андреапольская",
    "Торопецкая",
    "Нелидовская",
    "Бельская",
    "Конаковская",
    "Старицкая",
    "Селижаровская",
    "Максатихинская",
    "Молоковская",
    "Рамешковская",
    "Сонковская",
    "Кесовогорская",
    "Лесная",
    "Фировская",
    "Тимашевская",
    "Курагинская",
    "Медведевская",
    "Мотыгинская",
    "Ангарская",
    "Богучанская",
    "Ирбейская",
    "Каратузская",
    "Ермаковская",
    "Шушенская",
    "Минусинская",
    "Абанская",
    "Балахтинская",
    "Бирилюсская",
    "Дзержинская",
    "Емельяновская",
    "Идринская",
    "Казачинская",
    "Канская",
    "Манская",
    "Назаровская",
    "Новоселовская",
    "Партизанская",
    "Пировская",
    "Рыбинская",
    "Саянская",
    "Сухобузимская",
    "Тасеевская",
    "Туруханская",
    "Тюхтетская",
    "Ужурская",
    "Уярская",
    "Шарыповская",
]
PROPER_EXTRAS = ["ПЛЮС", "ЦЕНТР", "ЮГ", "СЕВЕР", "ПРОФИ", "КИДС", "ЛАЙТ", "НОВЫЙ", "2", "М"]


def load_sample() -> list[dict[str, str]]:
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in ("ogrn", "inn"):
            row[key] = row[key].split(".")[0]
    return rows


def proper_part(full_name: str) -> str:
    """The name in quotes («…»), or ''."""
    match = re.search(r'["«](.+)$', full_name)
    return match.group(1).replace("»", "").replace('"', "").strip() if match else ""


def last_quoted(full_name: str) -> str:
    """The last part in quotes (the organisation's own name in АНО «Центр «Рассвет»»), or ''."""
    segments = [
        segment.strip() for segment in re.findall(r'["«»]([^"«»]*)', full_name) if re.search(r"\w", segment)
    ]
    return segments[-1] if segments else ""


def legal_prefix(full_name: str) -> str:
    match = re.match(r'^([^"«]+?)\s*["«]', full_name)
    return match.group(1).strip() if match else ""


def abbreviation(row: dict[str, str]) -> str:
    """The legal form abbreviated as EGRUL writes it after a comma in ``name_x`` («РАССВЕТ, АНО»)."""
    first = row["name_x"].split(";")[0]
    return first.rsplit(",", 1)[1].strip() if "," in first else ""


def typo(word: str, rng: random.Random) -> str:
    """One realistic slip in a word (lower case in, lower case out)."""
    kinds = ["neighbour", "drop", "double", "swap", "phonetic"]
    for _attempt in range(20):
        kind = rng.choice(kinds)
        position = rng.randrange(1, len(word))
        char = word[position]
        if kind == "neighbour" and NEIGHBOURS.get(char):
            result = word[:position] + rng.choice(NEIGHBOURS[char]) + word[position + 1 :]
        elif kind == "drop" and len(word) > 4:
            result = word[:position] + word[position + 1 :]
        elif kind == "double" and char.isalpha():
            result = word[:position] + char + word[position:]
        elif kind == "swap" and position < len(word) - 1:
            result = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        elif kind == "phonetic":
            options = [(a, b) for a, b in PHONETIC if a in word[1:]]
            if not options:
                continue
            a, b = rng.choice(options)
            index = word.index(a, 1)
            result = word[:index] + b + word[index + len(a) :]
        else:
            continue
        if result != word:
            return result
    return word[:-1]


def misspell(text: str, rng: random.Random, *, typos: int = 1) -> str:
    """``text`` with ``typos`` slips in its longer words (case kept)."""
    words = text.split()
    long_words = [i for i, word in enumerate(words) if len(re.sub(r"\W", "", word)) >= 5]
    for index in rng.sample(long_words, min(typos, len(long_words))):
        word = words[index]
        slipped = typo(word.lower(), rng)
        words[index] = slipped.upper() if word.isupper() else slipped
    return " ".join(words)


def to_latin_layout(text: str) -> str:
    from resurs.registry.names import from_cyrillic_layout

    return from_cyrillic_layout(text.lower())


def new_ogrn(rng: random.Random, year: int) -> str:
    from resurs.registry.validators import complete_ogrn

    return complete_ogrn(
        f"1{year % 100:02d}{rng.randint(10, 89):02d}{rng.randint(0, 9_999_999):07d}".ljust(12, "0")[:12]
    )


def new_inn(rng: random.Random) -> str:
    from resurs.registry.validators import complete_inn10

    return complete_inn10(f"{rng.randint(10, 89):02d}{rng.randint(0, 9_999_999):07d}")


def broken(ogrn: str, rng: random.Random) -> str:
    """The OGRN with one digit mistyped so that its check digit fails."""
    from resurs.registry.validators import is_valid_ogrn

    for _attempt in range(50):
        position = rng.randrange(3, 12)
        digit = str((int(ogrn[position]) + rng.randint(1, 9)) % 10)
        candidate = ogrn[:position] + digit + ogrn[position + 1 :]
        if not is_valid_ogrn(candidate):
            return candidate
    raise ValueError(ogrn)


def record(row, name, **changes) -> dict[str, str]:
    base = {
        "name": name,
        "inn": row["inn"],
        "ogrn": row["ogrn"],
        "region": row["region"],
        "okopf_code": row["okopf_code"].split(".")[0],
        "status": "active" if row["status_x"] == "Действующая" else "liquidated",
        "founded_on": row["reg_date"],
        "liquidated_on": row["liq_date"],
    }
    base.update(changes)
    return base


def blank_ids(**extra) -> dict[str, str]:
    return {
        "inn": "",
        "ogrn": "",
        "okopf_code": "",
        "status": "active",
        "founded_on": "",
        "liquidated_on": "",
        **extra,
    }


def build_pairs(rows: list[dict[str, str]], rng: random.Random) -> list[dict]:
    pairs: list[dict] = []
    used: set[str] = set()

    def take(condition, count):
        chosen = []
        candidates = [row for row in rows if row["ogrn"] not in used and condition(row)]
        rng.shuffle(candidates)
        for row in candidates[:count]:
            used.add(row["ogrn"])
            chosen.append(row)
        return chosen

    def add(label, category, row, a, b):
        pairs.append({"label": label, "category": category, "source_ogrn": row["ogrn"], "a": a, "b": b})

    with_proper = lambda row: len(re.sub(r"\W", "", proper_part(row["full_name"]))) >= 5  # noqa: E731
    with_form = lambda row: legal_prefix(row["full_name"]) in LEGAL_FORMS and with_proper(row)  # noqa: E731

    # --- true duplicates -----------------------------------------------------------------------------------------
    for row in take(with_proper, 50):
        add(
            "duplicate",
            "typo",
            row,
            record(row, row["full_name"]),
            blank_ids(name=misspell(row["full_name"], rng), region=row["region"]),
        )
    for row in take(with_proper, 25):
        name = re.sub(r'"([^"]*)"?', lambda m: f"«{m.group(1)}»", row["full_name"], count=1)
        add(
            "duplicate",
            "quotes_and_case",
            row,
            record(row, row["full_name"]),
            blank_ids(name=name.title() if rng.random() < 0.5 else name, region=row["region"]),
        )
    for row in take(with_form, 30):
        short, written = LEGAL_FORMS[legal_prefix(row["full_name"])]
        proper = proper_part(row["full_name"])
        if rng.random() < 0.5:
            a, b = f'{short} "{proper}"', f"{written} «{proper.title()}»"
        else:
            a, b = row["full_name"], f"{proper}, {short}"
        add(
            "duplicate",
            "legal_form_abbreviated",
            row,
            record(row, a),
            blank_ids(name=b, region=row["region"]),
        )
    for row in take(lambda r: abbreviation(r) and with_proper(r), 25):
        add(
            "duplicate",
            "egrul_short_form",
            row,
            record(row, row["full_name"]),
            blank_ids(name=row["name_x"].split(";")[0].strip(), region=row["region"]),
        )
    for row in take(with_form, 20):
        short, written = LEGAL_FORMS[legal_prefix(row["full_name"])]
        proper = proper_part(row["full_name"])
        add(
            "duplicate",
            "word_order",
            row,
            record(row, row["full_name"]),
            blank_ids(name=f"«{proper}» ({written.lower()})", region=row["region"]),
        )
    for row in take(with_proper, 25):
        other = blank_ids(name=row["full_name"], region=row["region"] if rng.random() < 0.7 else "")
        if rng.random() < 0.5:
            other["inn"] = row[
                "inn"
            ]  # the INN on both sides is impossible (unique): keep it on one side only
            a = record(row, row["full_name"], inn="")
        else:
            a = record(row, row["full_name"])
        add("duplicate", "identifiers_on_one_side", row, a, other)
    for row in take(with_proper, 20):
        add(
            "duplicate",
            "mistyped_ogrn",
            row,
            record(row, row["full_name"]),
            blank_ids(
                name=misspell(row["full_name"], rng) if rng.random() < 0.5 else row["full_name"],
                region=row["region"],
                ogrn=broken(row["ogrn"], rng),
            ),
        )
    for row in take(with_proper, 15):
        add(
            "duplicate",
            "inn_and_ogrn_apart",
            row,
            record(row, row["full_name"], inn=""),
            blank_ids(name=row["full_name"].lower().capitalize(), region=row["region"], inn=row["inn"]),
        )
    for row in take(
        lambda r: (
            with_form(r)
            and legal_prefix(r["full_name"])
            in ("АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ", "БЛАГОТВОРИТЕЛЬНЫЙ ФОНД")
        ),
        15,
    ):
        short = "Фонд" if "ФОНД" in row["full_name"] else "АНО"
        add(
            "duplicate",
            "name_as_people_say_it",
            row,
            record(row, row["full_name"]),
            blank_ids(name=f"{short} «{proper_part(row['full_name']).title()}»", region=row["region"]),
        )

    # --- different organisations ---------------------------------------------------------------------------------
    district_rows = take(
        lambda r: re.match(r"^[А-Я]+СКАЯ (РАЙОННАЯ|ГОРОДСКАЯ|ТЕРРИТОРИАЛЬНАЯ|МЕСТНАЯ)", r["full_name"]), 40
    )
    veterans = [
        "{district} РАЙОННАЯ ОРГАНИЗАЦИЯ ТВЕРСКОЙ ОБЛАСТНОЙ ОРГАНИЗАЦИИ ОБЩЕРОССИЙСКОЙ ОБЩЕСТВЕННОЙ ОРГАНИЗАЦИИ ВЕТЕРАНОВ (ПЕНСИОНЕРОВ) ВОЙНЫ, ТРУДА, ВООРУЖЕННЫХ СИЛ И ПРАВООХРАНИТЕЛЬНЫХ ОРГАНОВ",
        "{district} РАЙОННАЯ ОРГАНИЗАЦИЯ ПРОФЕССИОНАЛЬНОГО СОЮЗА РАБОТНИКОВ НАРОДНОГО ОБРАЗОВАНИЯ И НАУКИ РОССИЙСКОЙ ФЕДЕРАЦИИ",
        '{district} МЕСТНАЯ ОРГАНИЗАЦИЯ ОБЩЕРОССИЙСКОЙ ОБЩЕСТВЕННОЙ ОРГАНИЗАЦИИ ИНВАЛИДОВ "ВСЕРОССИЙСКОЕ ОБЩЕСТВО ИНВАЛИДОВ"',
    ]
    tver_like = take(lambda r: True, 30)
    taken_names: set[str] = set()
    for index, row in enumerate(district_rows + tver_like):
        if index < len(district_rows):
            template = re.sub(r"^[А-Я]+СКАЯ", "{district}", row["full_name"])
        else:
            template = veterans[index % len(veterans)]
        free = [d for d in DISTRICTS if template.format(district=d.upper()) not in taken_names]
        first, second = rng.sample(free, 2)
        taken_names |= {template.format(district=first.upper()), template.format(district=second.upper())}
        a_name = template.format(district=first.upper())
        b_name = template.format(district=second.upper())
        b = record(
            row,
            b_name,
            ogrn=new_ogrn(rng, 2003),
            inn=new_inn(rng),
            founded_on="",
            liquidated_on="",
            status="active",
        )
        if index % 2:
            b = blank_ids(name=b_name, region=row["region"])
        add("different", "district_branch", row, record(row, a_name), b)
    for row in take(lambda r: abbreviation(r) and len(proper_part(r["full_name"])) >= 3, 45):
        year = rng.randint(2003, 2021)
        a = record(row, row["name_x"].split(";")[0].strip())
        b = record(
            row,
            row["name_x"].split(";")[0].strip() if rng.random() < 0.5 else row["full_name"],
            ogrn=new_ogrn(rng, year),
            inn=new_inn(rng),
            founded_on=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            liquidated_on="",
            status="active",
        )
        add("different", "same_name_other_ogrn", row, a, b)
    for row in take(lambda r: re.search(r"№ ?\d+", r["full_name"]), 30):
        number = re.search(r"№ ?(\d+)", row["full_name"]).group(1)
        other = str(int(number) + rng.randint(1, 40))
        b_name = row["full_name"].replace(number, other, 1)
        b = (
            blank_ids(name=b_name, region=row["region"])
            if rng.random() < 0.5
            else record(row, b_name, ogrn=new_ogrn(rng, 2010), inn=new_inn(rng))
        )
        add("different", "numbered", row, record(row, row["full_name"]), b)
    donors = [last_quoted(r["full_name"]) for r in rows if 4 <= len(last_quoted(r["full_name"])) <= 25]
    for row in take(lambda r: with_form(r) and last_quoted(r["full_name"]), 40):
        proper = last_quoted(row["full_name"])
        other = rng.choice([d for d in donors if d != proper and d.lower() not in proper.lower()])
        head, _found, tail = row["full_name"].rpartition(proper)
        b_name = head + other + tail
        add(
            "different",
            "another_name_in_quotes",
            row,
            record(row, row["full_name"]),
            blank_ids(name=b_name, region=row["region"]),
        )
    for row in take(lambda r: with_form(r) and last_quoted(r["full_name"]), 25):
        proper = last_quoted(row["full_name"])
        head, _found, tail = row["full_name"].rpartition(proper)
        b_name = head + f"{proper} {rng.choice(PROPER_EXTRAS)}" + tail
        add(
            "different",
            "extra_word_in_quotes",
            row,
            record(row, row["full_name"]),
            blank_ids(name=b_name, region=row["region"]),
        )
    for row in take(lambda r: with_proper(r) and r["reg_date"] and r["reg_date"] < "2016", 30):
        ended = f"{rng.randint(int(row['reg_date'][:4]) + 1, 2018)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        registered = f"{int(ended[:4]) + rng.randint(0, 2)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        registered = max(registered, ended)
        a = record(row, row["full_name"], status="liquidated", liquidated_on=ended)
        b = record(
            row,
            row["full_name"],
            ogrn=new_ogrn(rng, int(registered[:4])),
            inn=new_inn(rng),
            founded_on=registered,
            liquidated_on="",
            status="active",
        )
        add("different", "successor", row, a, b)
    for row in take(with_form, 20):
        short, _written = LEGAL_FORMS[legal_prefix(row["full_name"])]
        proper = proper_part(row["full_name"])
        other_short = OTHER_FORM[short]
        other_code = "70401" if other_short == "БФ" else "71400"
        b = record(
            row,
            f'{other_short} "{proper}"',
            ogrn=new_ogrn(rng, 2015),
            inn=new_inn(rng),
            okopf_code=other_code,
            founded_on="2015-03-01",
            liquidated_on="",
            status="active",
        )
        add("different", "same_name_other_legal_form", row, record(row, row["full_name"]), b)
    regions = sorted({row["region"] for row in rows if row["region"]})
    for row in take(lambda r: with_proper(r) and r["region"], 20):
        other_region = rng.choice([region for region in regions if region != row["region"]])
        add(
            "different",
            "same_name_other_region",
            row,
            record(row, row["full_name"]),
            blank_ids(name=row["full_name"], region=other_region),
        )
    return pairs


def build_typos(rows: list[dict[str, str]], rng: random.Random, count: int = 240) -> list[dict]:
    from collections import Counter

    proper_counts = Counter(proper_part(row["full_name"]).lower() for row in rows)
    candidates = [
        row
        for row in rows
        if 5 <= len(proper_part(row["full_name"])) <= 40
        and proper_counts[proper_part(row["full_name"]).lower()] == 1
    ]
    rng.shuffle(candidates)
    kinds = (
        ["one_typo"] * 9
        + ["two_typos"] * 3
        + ["latin_layout"] * 2
        + ["latin_layout_and_typo"]
        + ["with_legal_form"] * 3
    )
    queries = []
    for number, row in enumerate(candidates[:count]):
        proper = re.sub(r"\s+", " ", re.sub(r'["«»]', " ", proper_part(row["full_name"]))).strip().lower()
        kind = kinds[number % len(kinds)]
        correct = proper
        if kind == "one_typo":
            query = misspell(proper, rng)
        elif kind == "two_typos":
            query = misspell(proper, rng, typos=2)
            if query == misspell(proper, random.Random(0), typos=0):
                query = misspell(proper, rng)
        elif kind == "latin_layout":
            query = to_latin_layout(proper)
        elif kind == "latin_layout_and_typo":
            query = to_latin_layout(misspell(proper, rng))
        else:
            form = abbreviation(row).split()[0].lower() if abbreviation(row) else "ано"
            correct = f"{form} {proper}"
            query = f"{form} {misspell(proper, rng)}"
        if query == correct:
            query = misspell(correct, rng)
        queries.append(
            {
                "query": query,
                "kind": kind,
                "correct_query": correct,
                "ogrn": row["ogrn"],
                "name": row["full_name"],
            }
        )
    return queries


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    rows = load_sample()
    rng = random.Random(SEED)
    pairs = build_pairs(rows, rng)
    columns = ["pair", "label", "category", "side", "name", "inn", "ogrn", "region", "okopf_code", "status",
               "founded_on", "liquidated_on", "source_ogrn"]  # fmt: skip
    with open(PAIRS, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for number, pair in enumerate(pairs, start=1):
            for side in ("a", "b"):
                writer.writerow({"pair": number, "label": pair["label"], "category": pair["category"], "side": side,
                                 "source_ogrn": pair["source_ogrn"], **pair[side]})  # fmt: skip
    typos = build_typos(rows, random.Random(SEED + 1))
    with open(TYPOS, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["query", "kind", "correct_query", "ogrn", "name"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(typos)
    labels = {label: sum(pair["label"] == label for pair in pairs) for label in ("duplicate", "different")}
    print(f"{len(pairs)} pairs {labels}, {len(typos)} typo queries", file=sys.stderr)


if __name__ == "__main__":
    main()
