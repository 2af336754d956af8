from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.two_factor import views as two_factor_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Two-factor sign-in: the second step, setting it up, the recovery codes shown once, and the person's page.
    path("xac-thuc/", two_factor_views.verify, name="two_factor_verify"),
    path("xac-thuc-hai-buoc/", two_factor_views.manage, name="two_factor"),
    path("xac-thuc-hai-buoc/thiet-lap/", two_factor_views.setup, name="two_factor_setup"),
    path("xac-thuc-hai-buoc/ma-du-phong/", two_factor_views.recovery_codes, name="two_factor_codes"),
    path("xac-thuc-hai-buoc/ma-du-phong/moi/", two_factor_views.new_codes, name="two_factor_new_codes"),
    path("xac-thuc-hai-buoc/tat/", two_factor_views.disable, name="two_factor_disable"),
]
