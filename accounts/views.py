"""HTML pages for accepting an invitation (managers, claimed roster profiles)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.models import User
from accounts.services import invitation_accept, invitation_token_valid


def _invited_user(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).first()


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Let an invited person set their first password, then sign them in."""
    user = _invited_user(uidb64)
    if user is None or not invitation_token_valid(user=user, token=token):
        return render(request, "account/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(user=user, token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error("new_password1" if field == "password" else None, messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "account/invitation_accept.html", {"form": form, "invited": user})
