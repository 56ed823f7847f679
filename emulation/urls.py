from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clusters.views import accounts
from emulation import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A person's own account, and the password reset by e-mail ("Quên mật khẩu").
    path("accounts/profile/", accounts.profile, name="account_profile"),
    path(
        "accounts/password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("clusters/", include("clusters.urls")),
    path("awards/", include("awards.urls")),
    path("structure/", include("clusters.structure_urls")),
    path("admin/", admin.site.urls),
]
