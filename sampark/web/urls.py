from django.urls import path
from django.views.i18n import set_language

from sampark.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_phone, name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("logout/", views.logout_view, name="logout"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("search/", views.search_view, name="search"),
    path("about/", views.about, name="about"),
    path("lang/", set_language, name="set-language"),
]
