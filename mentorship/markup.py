"""Pieces of markup shared by the template tags that write a page's parts in Python."""

from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString


def csrf_input(context) -> SafeString:
    """The hidden input of a form's CSRF token, as ``{% csrf_token %}`` writes it: the page's one token (the
    ``csrf_token`` of a request's context, made once however many forms use it), else the request's; nothing
    without a request (the server error page), as the template tag writes nothing then."""
    request = getattr(context, "request", None)
    token = context.get("csrf_token") or (get_token(request) if request is not None else "")
    if not token:
        return SafeString()
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
