from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from emulation import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("clusters/", include("clusters.urls")),
    path("awards/", include("awards.urls")),
    path("structure/", include("clusters.structure_urls")),
    path("admin/", admin.site.urls),
]
