"""Your account: API tokens, sessions and "sign out everywhere", the session clock, an
invitation's first password; and the API's own small endpoints: tokens and "who am I"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from forces.models import Membership

from . import sessions
from .forms import InvitationPasswordForm, TokenForm
from .models import ApiToken, token_create, token_revoke
from .people import tokens_revoke_all
from .security import record
from .tokens import invitation_tokens


def _tokens(user):
    return ApiToken.objects.filter(user_id=user.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """List the user's tokens and make a new one; the secret is shown on this response only."""
    form = TokenForm(request.POST or None)
    token = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            form = TokenForm()
    context = {
        "title": "API tokens",
        "form": form,
        "secret": secret,
        "new_token": token,
        "tokens": _tokens(request.user),
    }
    return render(request, "accounts/tokens.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def security(request):
    """Your sessions and API tokens, with "sign out" for each session and everywhere."""
    if request.method == "POST":
        if request.POST.get("everywhere"):
            return _sign_out_everywhere(request)
        key = request.POST.get("session", "")
        theirs = {s.pk: s for s in sessions.sessions_of(request.user)}
        session = theirs.get(int(key)) if key.isdigit() else None
        if session is None or session.session_key == request.session.session_key:
            messages.error(request, "That session has already ended.")
        else:
            session.end()
            record(
                request.user,
                "auth.sign_out",
                request.user,
                summary="Signed out another session",
                request=request,
                reason="ended from the security page",
            )
            messages.success(request, "That session is signed out.")
        return redirect("account-security")
    from allauth.mfa.utils import is_mfa_enabled

    context = {
        "title": "Your account and security",
        "sessions": sessions.sessions_of(request.user),
        "tokens": _tokens(request.user),
        "two_factor": is_mfa_enabled(request.user),
        "has_password": request.user.has_usable_password(),
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        "max_hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
    }
    return render(request, "accounts/security.html", context)


def _sign_out_everywhere(request):
    user = request.user
    with transaction.atomic():
        ended = sessions.end_sessions(user, keep=request.session.session_key)
        revoked = tokens_revoke_all(person=user, by=user)
        record(user, "auth.sign_out_everywhere", user, summary="Signed out everywhere",
               request=request, sessions=ended, tokens=revoked)  # fmt: skip
    request.peeltrack_signout_reason = "signed out everywhere"
    logout(request)
    messages.success(
        request,
        f"You are signed out everywhere: {ended + 1} session(s) ended and {revoked} API "
        "token(s) revoked. Sign in again to carry on.",
    )
    return redirect(settings.LOGIN_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request):
    """The session clock for the timeout warning: GET reads it, POST says "I'm here".

    SessionTimeoutMiddleware has already signed out an expired session (answering 401)
    and, for a POST only, stamped the activity.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"status": 401, "code": "not_authenticated"}, status=401)
    left = sessions.remaining(request.session)
    return JsonResponse(
        {
            "idle_seconds_left": left["idle"],
            "absolute_seconds_left": left["absolute"],
            "warning_seconds": settings.SESSION_WARNING_BEFORE,
        }
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, uidb64, token):
    """An invited person chooses their password. The link works once, for INVITATION_TIMEOUT."""
    User = get_user_model()
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
        person = User.objects.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        person = None
    if person is None or not invitation_tokens.check_token(person, token):
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"title": "This link has expired"},
            status=410,
        )
    if request.user.is_authenticated:
        logout(request)
    form = InvitationPasswordForm(request.POST or None, user=person)
    if request.method == "POST" and form.is_valid():
        from allauth.account.models import EmailAddress

        with transaction.atomic():
            person.set_password(form.cleaned_data["password1"])
            person.save()
            if person.email:
                EmailAddress.objects.update_or_create(
                    user=person, email=person.email, defaults={"verified": True, "primary": True}
                )
        messages.success(request, "Your password is set. Sign in to start using PEELtrack.")
        return redirect(settings.LOGIN_URL)
    context = {"title": "Create your password", "form": form, "person": person}
    return render(request, "accounts/invitation.html", context)


@login_required
@require_POST
def token_revoke_view(request, pk):
    token = get_object_or_404(_tokens(request.user), pk=pk)
    token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” was revoked. Scripts using it will stop.")
    return redirect("api-tokens")


class TokenSerializer(serializers.ModelSerializer):
    hint = serializers.CharField(read_only=True, help_text="The first characters of the token.")
    expires_at = serializers.DateTimeField(source="expiry", read_only=True)
    created_at = serializers.DateTimeField(source="created", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "expires_at", "last_used_at"]
        read_only_fields = ["last_used_at"]


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.ChoiceField(choices=[30, 90, 365], default=90)


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The secret. Shown this once only: store it safely now."
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


@extend_schema(tags=["tokens"])
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your own API tokens. Secrets are never shown again after creation."""

    serializer_class = TokenSerializer
    pagination_class = None

    def get_queryset(self):
        return _tokens(self.request.user)

    @extend_schema(
        request=TokenCreateSerializer,
        responses={201: NewTokenSerializer},
        description="Make a token. Only with a signed-in browser session: a token cannot make "
        "more tokens. The response holds the secret, shown this once only.",
    )
    def create(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(
                "A token cannot make more tokens: sign in and use the API tokens page."
            )
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = token_create(user=request.user, **data.validated_data)
        token.token = secret
        return Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(description="Revoke one of your tokens: scripts using it stop at once.")
    def destroy(self, request, *args, **kwargs):
        token_revoke(token=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ForceRolesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    is_superuser = serializers.BooleanField()
    forces = ForceRolesSerializer(many=True)
    boards = serializers.ListField(child=serializers.IntegerField())


class MeView(APIView):
    """Who the token or session belongs to, with their roles in each force."""

    @extend_schema(responses=MeSerializer, tags=["me"])
    def get(self, request):
        user = request.user
        forces = {}
        for m in Membership.objects.filter(user=user).select_related("force"):
            entry = forces.setdefault(m.force_id, {"id": m.force_id, "name": m.force.name})
            entry.setdefault("roles", []).append(m.role)
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "is_superuser": user.is_superuser,
            "forces": list(forces.values()),
            "boards": sorted(user.boards.values_list("pk", flat=True)),
        }
        return Response(MeSerializer(data).data)
