"""Template tags other apps' pages may load without importing learning (e.g. the registry profile):

{% load learning_tags %}{% organisation_services organisation %}
"""

from django import template

from resurs.learning.selectors import services_for_organisation

register = template.Library()


@register.inclusion_tag("learning/partials/_organisation_services.html")
def organisation_services(organisation):
    """Every service the organisation received from the network's centres (four queries)."""
    return {"services": services_for_organisation(organisation)}
