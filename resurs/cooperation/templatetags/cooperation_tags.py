"""Template tags that put cooperation on other apps' pages without those apps importing this one:
``{% load cooperation_tags %}{% organisation_cooperation organisation %}`` on an organisation profile and
``{% person_cooperation person %}`` on a person profile."""

from django import template

from resurs.cooperation import selectors

register = template.Library()


@register.inclusion_tag("cooperation/partials/_organisation_cooperation.html", takes_context=True)
def organisation_cooperation(context, organisation):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"coop": selectors.organisation_cooperation(organisation, user), "request": request, "user": user}


@register.inclusion_tag("cooperation/partials/_person_cooperation.html", takes_context=True)
def person_cooperation(context, person):
    request = context.get("request")
    return {
        "coop": selectors.person_cooperation(person),
        "request": request,
        "user": getattr(request, "user", None),
    }
