"""Logging in and out, changing and resetting a password (e-mail)."""

import re

import pytest
from django.urls import reverse

from tests.support import client_for

pytestmark = pytest.mark.django_db


def test_login_page(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label class="form-label" for="id_username">' in page
    assert "Forgotten your password?" in page


@pytest.mark.parametrize(
    ("who", "lands_on"), [("alice", "desk:queue"), ("carla", "portal:problems")]
)
def test_login_sends_each_person_to_their_area(client, request, who, lands_on):
    request.getfixturevalue(who)
    response = client.post(reverse("login"), {"username": who, "password": "secret"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(lands_on)


def test_a_wrong_password_is_an_error_on_the_form(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_login_returns_to_the_page_asked_for(client, problem, alice):
    wanted = reverse("desk:problem", args=[problem.pk])
    response = client.get(wanted)
    assert response.url == f"{reverse('login')}?next={wanted}"
    response = client.post(
        f"{reverse('login')}?next={wanted}",
        {"username": "alice", "password": "secret", "next": wanted},
    )
    assert response.url == wanted


def test_logout(alice):
    client = client_for(alice)
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert client.get(reverse("desk:queue")).status_code == 302


def test_password_change(alice):
    client = client_for(alice)
    url = reverse("password_change")
    response = client.post(
        url, {"old_password": "wrong", "new_password1": "a", "new_password2": "b"}
    )
    errors = response.context["form"].errors
    assert "old_password" in errors and "new_password2" in errors
    response = client.post(
        url,
        {
            "old_password": "secret",
            "new_password1": "Blue-horse-42",
            "new_password2": "Blue-horse-42",
        },
        follow=True,
    )
    assert "Your password was changed." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("Blue-horse-42")


def test_password_reset_by_email(client, carla, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": carla.email}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [carla.email] and "password" in message.subject.lower()
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Green-tiger-77", "new_password2": "Green-tiger-77"},
        follow=True,
    )
    assert "Your new password is ready." in response.content.decode()
    carla.refresh_from_db()
    assert carla.check_password("Green-tiger-77")


def test_a_used_reset_link_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert "This link is not valid any more" in response.content.decode()
