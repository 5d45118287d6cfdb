"""Registry pages (the registry issue fills these in)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from resurs.registry.models import Organisation, Person


@login_required
def organisation_list(request):
    return render(
        request, "registry/organisation_list.html", {"organisations": Organisation.objects.all()[:50]}
    )


@login_required
def organisation_detail(request, pk: int):
    return render(
        request, "registry/organisation_detail.html", {"organisation": get_object_or_404(Organisation, pk=pk)}
    )


@login_required
def person_detail(request, pk: int):
    return render(request, "registry/person_detail.html", {"person": get_object_or_404(Person, pk=pk)})
