"""The API tokens page, and the API's own small endpoints: tokens and "who am I"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from forces.models import Membership

from .forms import TokenForm
from .models import ApiToken, token_create, token_revoke


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
