"""Agreement measures against values computed by hand from their definitions."""

import pytest

from resurs.research.agreement import (
    agreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
    sentence_spans,
    unit_values,
)

A = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0]
B = [1, 0, 0, 0, 1, 0, 1, 1, 0, 0]


def test_percent_agreement_by_hand():
    # 8 of 10 units agree
    assert percent_agreement(A, B) == pytest.approx(0.8)


def test_cohen_kappa_by_hand():
    # p_o = 0.8; each coder says 1 on 4 of 10 units: p_e = 0.4*0.4 + 0.6*0.6 = 0.52
    assert cohen_kappa(A, B) == pytest.approx((0.8 - 0.52) / (1 - 0.52))
    assert cohen_kappa(A, B) == pytest.approx(0.5833333333)


def test_krippendorff_alpha_binary_by_hand():
    # n = 20 values, n_0 = 12, n_1 = 8; two disagreeing units give o_01 = o_10 = 2.
    # alpha = 1 - (n - 1) * (o_01 + o_10) / (2 * n_0 * n_1) = 1 - 19 * 4 / 192
    assert krippendorff_alpha_nominal(zip(A, B, strict=True)) == pytest.approx(1 - 76 / 192)


def test_krippendorff_alpha_reference_example_with_missing_values():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers, twelve
    # units, missing values; nominal alpha = 0.743.
    units = [
        [1, 1, None, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [None, 5, 5, 5],
        [None, None, 1, 1],
        [None, 3, None, None],
    ]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)


def test_perfect_and_degenerate_agreement():
    assert cohen_kappa([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal([(1, 1), (0, 0)]) == pytest.approx(1.0)
    # Both coders say 0 everywhere: chance agreement is 1 and kappa/alpha are undefined, not 1 or 0.
    assert cohen_kappa([0, 0], [0, 0]) is None
    assert krippendorff_alpha_nominal([(0, 0), (0, 0)]) is None
    assert percent_agreement([], []) is None
    with pytest.raises(ValueError):
        percent_agreement([1], [1, 0])


def test_units_are_sentences_overlapped_by_passages():
    text = "Первое предложение. Второе предложение!\nТретье?"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Первое предложение.", "Второе предложение!", "Третье?"]
    # a passage inside the second sentence, one spanning the end of the second and start of the third
    assert unit_values(spans, [(22, 25)]) == [0, 1, 0]
    assert unit_values(spans, [(30, 43)]) == [0, 1, 1]
    assert unit_values(spans, []) == [0, 0, 0]


def test_agreement_bundle():
    result = agreement(A, B)
    assert result.units == 10
    assert result.percent == pytest.approx(0.8)
    assert result.kappa == pytest.approx(0.5833333333)
    assert result.alpha == pytest.approx(0.6041666667)
