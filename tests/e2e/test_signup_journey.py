"""Browser journeys at the front door: a new NGO representative signs up from a call's page, verifies the
e-mail, finds the organisation and asks to represent it; centre staff must set up two-factor sign-in before
anything else, and sign in with a code or a recovery code afterwards."""

from __future__ import annotations

import re
from importlib import import_module

import pyotp
import pytest
from django.conf import settings
from playwright.sync_api import expect

PASSWORD = "Lesnaya-polyana-1828"


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    import_module(settings.ROOT_URLCONF)


def test_signup_verify_and_ask_to_represent(page, personas, mailoutbox):
    from resurs.accounts.models import Representation
    from resurs.grants.tests.factories import open_call

    call = open_call(personas.centre, actor=personas.staff)
    organisation = personas.ngo

    page.goto(call.get_absolute_url())
    page.get_by_role("link", name="Создать учётную запись").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Создать учётную запись")
    page.get_by_label("Фамилия").fill("Петрова")
    page.get_by_label("Имя", exact=True).fill("Ирина")
    page.get_by_label("Адрес эл. почты").fill("irina@fond-rodnik.ru")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    # Without consent nothing is created; the error is beside the checkbox and the typed name stays.
    page.get_by_role("button", name="Создать учётную запись").click()
    expect(page.locator("#id_consent_error")).to_have_text(
        "Чтобы создать учётную запись, дайте согласие на обработку персональных данных."
    )
    expect(page.get_by_label("Фамилия")).to_have_value("Петрова")
    expect(page.get_by_role("link", name="Политика обработки персональных данных")).to_be_visible()
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_label("Я даю согласие на обработку моих персональных данных").check()
    page.get_by_role("button", name="Создать учётную запись").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Подтвердите")

    # The e-mail, in Russian, with the installation's name; its link confirms the address and signs in.
    [message] = mailoutbox
    assert message.subject == "[Ресурс] Пожалуйста, подтвердите Ваш адрес электронной почты"
    link = re.search(r"(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(link)
    page.locator("main button[type=submit]").click()

    # First stop: which organisation do you represent? (then back to the call)
    expect(page.get_by_role("heading", level=1)).to_have_text("Какую организацию вы представляете?")
    page.get_by_label("Ваша организация").fill(organisation.inn)
    page.get_by_role("button", name="Найти").click()
    results = page.get_by_test_id("represent-results")
    expect(results).to_contain_text(organisation.short_name)
    results.get_by_label("Ваша должность (необязательно)").fill("Директор")
    results.get_by_role("button", name="Я представляю эту организацию").click()
    expect(page.locator(".messages")).to_contain_text("Запрос отправлен")
    expect(page.get_by_test_id("my-representations")).to_contain_text("Ждёт подтверждения")
    page.get_by_role("link", name="Продолжить").click()
    expect(page).to_have_url(re.compile(re.escape(call.get_absolute_url()) + "$"))

    representation = Representation.objects.get(user__email="irina@fond-rodnik.ru")
    assert (representation.organisation_id, representation.status) == (organisation.pk, "pending")


def test_staff_must_set_up_two_factor_sign_in(page, personas, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from resurs.accounts.tests.factories import PASSWORD as STAFF_PASSWORD

    settings.MFA_REQUIRED_ROLES = ["admin", "staff", "programme_manager", "expert"]
    staff = personas.staff

    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя или e-mail").fill(staff.email)
    page.get_by_label("Пароль").fill(STAFF_PASSWORD)
    page.get_by_test_id("login-form").get_by_role("button", name="Войти").click()
    # The desk is out of reach: the page says why, asks for the password again, then shows the authenticator page.
    expect(page.locator(".messages")).to_contain_text("Для вашей роли нужен двухфакторный вход")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подключите приложение-аутентификатор")
    page.goto("/desk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Подключите приложение-аутентификатор")

    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Включить").click()
    codes = RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes")).get_unused_codes()
    expect(page.locator("main")).to_contain_text(codes[0])
    page.goto("/desk/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Подключите приложение-аутентификатор")

    # Next time: password, then a recovery code (the phone is lost).
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя или e-mail").fill(staff.username)
    page.get_by_label("Пароль").fill(STAFF_PASSWORD)
    page.get_by_test_id("login-form").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Двухфакторный вход")
    page.locator("input[name=code]").fill(codes[0])
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/desk/$"))
    page.goto("/accounts/profile/")
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("включён")
