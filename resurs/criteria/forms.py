"""The form an evaluator fills: a score and a comment per criterion, built from the scheme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resurs.criteria.models import Evaluation
from resurs.criteria.services import ScoreInput, scores_of


class EvaluationForm(forms.Form):
    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        self.evaluation = evaluation
        self.criteria = list(evaluation.scheme.criteria.all())
        initial = {"overall_comment": evaluation.overall_comment}
        for code, entry in scores_of(evaluation).items():
            initial[f"score_{code}"] = entry.score
            initial[f"comment_{code}"] = entry.comment
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in self.criteria:
            # The scale is checked by the service (so an out-of-scale draft gets the same message everywhere).
            self.fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=f"{criterion.name} ({criterion.min_score}–{criterion.max_score})",
                required=False,
                help_text=criterion.description,
                widget=forms.NumberInput(attrs={"min": criterion.min_score, "max": criterion.max_score}),
            )
            self.fields[f"comment_{criterion.code}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        """(criterion, score field, comment field) triples for the template."""
        return [(c, self[f"score_{c.code}"], self[f"comment_{c.code}"]) for c in self.criteria]

    def score_inputs(self) -> dict[str, ScoreInput]:
        data = self.cleaned_data
        return {
            c.code: ScoreInput(data.get(f"score_{c.code}"), data.get(f"comment_{c.code}") or "")
            for c in self.criteria
        }

    def add_service_errors(self, error_dict: dict[str, list]) -> None:
        for field, messages in error_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
