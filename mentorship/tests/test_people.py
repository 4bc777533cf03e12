"""A person is named the same way on every page: preferred name, then pronouns when they gave them."""

from django.template import Context, Template

from accounts.models import User

NAMED = Template("{% load people %}{{ someone|person }}")


def test_the_name_comes_with_the_pronouns_given():
    someone = User(email="sam@example.org", preferred_name="Sam <b>", pronouns="they/them")

    assert NAMED.render(Context({"someone": someone})) == (
        '<span class="person">Sam &lt;b&gt; <span class="pronouns text-body-secondary">(they/them)</span></span>'
    )


def test_without_pronouns_or_a_preferred_name_the_address_names_them():
    someone = User(email="alex.k@example.org", preferred_name="", pronouns="")

    assert NAMED.render(Context({"someone": someone})) == '<span class="person">alex.k</span>'
