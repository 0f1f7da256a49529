from django.urls import path

from . import people_views as views
from . import views as account_views

urlpatterns = [
    path("people/", views.people_list, name="people"),
    path("people/invite/", views.person_invite, name="invite"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/approve/", views.person_approve, name="approve"),
    path("people/<int:pk>/refuse/", views.person_refuse, name="refuse"),
    path("people/<int:pk>/roles/", views.role_add, name="role-add"),
    path("people/<int:pk>/roles/<int:membership>/remove/", views.role_remove, name="role-remove"),
    path("people/<int:pk>/boards/", views.seat_add, name="seat-add"),
    path("people/<int:pk>/boards/<int:board>/remove/", views.seat_remove, name="seat-remove"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="reactivate"),
    path("people/<int:pk>/unlock/", views.person_unlock, name="unlock"),
    path("people/<int:pk>/invite-again/", views.person_invite_again, name="invite-again"),
    path("people/<int:pk>/two-factor/reset/", views.person_reset_two_factor, name="reset-2fa"),
    path("invitation/<str:uidb64>/<str:token>/", account_views.invitation, name="invitation"),
]
