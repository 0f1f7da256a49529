from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("review/", views.review, name="review"),
    path("actions/<int:pk>/decide/", views.decide, name="decide"),
    path("actions/<int:pk>/extension/", views.extension_new, name="extension"),
    path("extensions/<int:pk>/decide/", views.extension_decision, name="extension_decide"),
    path("boards/", views.board_list, name="boards"),
    path("boards/<int:pk>/", views.board_detail, name="board"),
    path("meetings/<int:pk>/", views.meeting_pack, name="meeting"),
    path("findings/<int:pk>/oversight/", views.finding_oversight, name="oversight"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
