"""The app process's warm-up (resurs/core/warmup.py, called by config/wsgi.py before serving)."""

import gc

from resurs.core.warmup import project_template_names, warm_up


def test_the_project_templates_are_listed_and_no_third_party_ones():
    names = project_template_names()
    assert {"base.html", "account/login.html", "registry/organisation_list.html"} <= set(names)
    # allauth's own templates, which the project does not override, stay out (they are compiled when used)
    assert "account/email.html" not in names
    assert "admin/change_list.html" not in names


def test_every_project_template_compiles_and_the_living_objects_are_frozen():
    gc.unfreeze()
    try:
        assert warm_up() == len(project_template_names())
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_warm_up_without_freezing_leaves_the_collector_alone():
    gc.unfreeze()
    assert warm_up(freeze=False) == len(project_template_names())
    assert gc.get_freeze_count() == 0
