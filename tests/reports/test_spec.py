"""The report spec: number formats, validation, and the i18n table behind every label."""

from __future__ import annotations

import re
import string
from datetime import datetime

import pytest

import parkzero.reports as reports
from parkzero.errors import InputError
from parkzero.reports.i18n import MESSAGES, label, normalize_lang, t
from parkzero.reports.spec import (
    Cell,
    Chart,
    Column,
    NumberFormat,
    Report,
    Section,
    Series,
    Table,
    Text,
)


@pytest.mark.parametrize(
    ("fmt", "value", "text"),
    [
        (NumberFormat(1), 14523.449, "14,523.4"),
        (NumberFormat(0), 1234567.5, "1,234,568"),
        (NumberFormat(2, grouping=False), 1234.5, "1234.50"),
        (NumberFormat(1, percent=True), 0.3125, "31.2%"),
        (NumberFormat(1, percent=True, signed=True), 0.0456, "+4.6%"),
        (NumberFormat(1, percent=True, signed=True), -0.00001, "0.0%"),
        (NumberFormat(1), -0.01, "0.0"),
        (NumberFormat(significant=4), 3149.0, "3,149"),
        (NumberFormat(significant=4), 0.4044, "0.4044"),
        (NumberFormat(significant=3), 0.000012345, "0.0000123"),
        (NumberFormat(1), None, "—"),
        (NumberFormat(1), float("nan"), "—"),
        (NumberFormat(1), "n/a", "n/a"),
    ],
)
def test_number_format(fmt: NumberFormat, value: object, text: str) -> None:
    assert fmt.format(value) == text


@pytest.mark.parametrize(
    ("fmt", "code"),
    [
        (NumberFormat(0), "#,##0"),
        (NumberFormat(3), "#,##0.000"),
        (NumberFormat(1, percent=True), "#,##0.0%"),
        (NumberFormat(1, percent=True, signed=True), "+#,##0.0%;-#,##0.0%;#,##0.0%"),
        (NumberFormat(significant=6), "General"),
    ],
)
def test_excel_codes(fmt: NumberFormat, code: str) -> None:
    assert fmt.excel() == code


def test_table_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells, expected 2"):
        Table([Column("a"), Column("b")], [("x", 1.0), ("y",)], title="t")


def test_table_freezes_rows_to_tuples() -> None:
    table = Table([Column("a")], [["x"], [Cell("y", status="ok")]], strong_rows={1})
    assert table.rows == (("x",), (Cell("y", status="ok"),))
    assert table.strong_rows == frozenset({1})
    with pytest.raises(AttributeError):
        table.title = "changed"  # type: ignore[misc]


def test_chart_validation() -> None:
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart("bar", ["a", "b", "c"], [Series("s", [1, 2])])
    with pytest.raises(ValueError, match="exactly one series"):
        Chart("pie", ["a"], [Series("s", [1]), Series("t", [2])])
    with pytest.raises(ValueError, match="unknown chart kind"):
        Chart("radar", ["a"], [Series("s", [1])])  # type: ignore[arg-type]


def test_report_normalises_language_and_needs_aware_time() -> None:
    report = Report("T", [Section("S", [Text("x")])], lang="en_US")
    assert report.lang == "en"
    with pytest.raises(ValueError, match="timezone-aware"):
        Report("T", [], generated_at=datetime(2024, 1, 1))
    with pytest.raises(InputError, match="unknown report language"):
        Report("T", [], lang="fr")


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        zh_names = {f for _, f, _, _ in fields.parse(zh) if f}
        en_names = {f for _, f, _, _ in fields.parse(en) if f}
        if key != "month_n":  # zh uses the number, en the abbreviation
            assert zh_names == en_names, key
        # the Chinese text is Chinese (except pure ids)
        if not key.startswith(("carrier.", "factor_set.")) and key not in ("park",):
            assert zh != en, key


def test_translate_and_labels() -> None:
    assert t("month_n", "zh-CN", n=3) == "3月"
    assert t("month_n", "en", n=3) == "Mar"
    assert label("cat", "2.electricity", "zh-CN") == "外购电力"
    assert label("cat", "9.unknown", "zh-CN") == "9.unknown"
    assert normalize_lang("zh-Hans") == "zh-CN"
    with pytest.raises(KeyError):
        t("no-such-key", "en")


def test_public_api_is_exported() -> None:
    for name in reports.__all__:
        assert hasattr(reports, name), name
    assert sorted(reports.__all__) == sorted(set(reports.__all__))
    assert re.fullmatch(r"[\w.]+", reports.render_html.__module__)
