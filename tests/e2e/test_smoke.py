def test_visitor_sees_home_and_logs_in(page, personas, login):
    page.goto("/")
    assert page.locator("h1").first.is_visible()
    login(personas.staff)
    assert page.url.endswith("/desk/")
    assert page.get_by_role("heading", name="Мой стол").is_visible()
