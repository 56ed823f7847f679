from django.urls import path

from . import document_views, views

app_name = "awards"

year = "<slug:code>/<int:year>/"

urlpatterns = [
    path(year + "minutes/", document_views.minutes_preview, name="minutes_preview"),
    path(year + "minutes.pdf", document_views.minutes_pdf, name="minutes_pdf"),
    path(year + "nominations/", views.nomination_list, name="nomination_list"),
    path(
        year + "nominations/<int:pk>/withdraw/",
        views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path(year + "meetings/<int:pk>/vote/", views.meeting_vote, name="meeting_vote"),
    path(
        year + "meetings/<int:pk>/nominations/",
        views.meeting_nominations,
        name="meeting_nominations",
    ),
    path(year + "votes/<int:pk>/", views.vote_record, name="vote_record"),
    path(year + "votes/<int:pk>/next-round/", views.vote_next_round, name="vote_next_round"),
]
