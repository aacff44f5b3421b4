from django.urls import path

from sampark.people import consent_views, erasure_views
from sampark.web import account, pwa, second_factor_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_phone, name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("login/resend/", views.login_resend, name="login-resend"),
    path("logout/", views.logout_view, name="logout"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("search/", views.search_view, name="search"),
    path("about/", views.about, name="about"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("outbox/", pwa.outbox, name="outbox"),
    path("lang/", views.set_language, name="set-language"),
    path("consent/", consent_views.notice_page, name="consent"),
    path("account/sessions/", account.my_sessions, name="my-sessions"),
    path("account/data/", account.my_data, name="my-data"),
    path("account/data/name/", account.correct_my_name, name="correct-my-name"),
    path("account/data/erasure/", erasure_views.ask_erasure, name="ask-erasure"),
    path("account/sessions/end/", account.end_my_sessions, name="end-my-sessions"),
    path("people/<int:person_id>/sessions/", account.member_sessions, name="member-sessions"),
    path("people/<int:person_id>/sessions/end/", account.end_member_sessions, name="end-member-sessions"),
    path("people/<int:person_id>/second-factor/reset/", account.reset_member_second_factor,
         name="reset-member-second-factor"),
    path("second-factor/", second_factor_views.confirm, name="second-factor-confirm"),
    path("second-factor/passkey/options/", second_factor_views.passkey_options, name="second-factor-passkey-options"),
    path("second-factor/passkey/verify/", second_factor_views.passkey_verify, name="second-factor-passkey-verify"),
    path("account/second-factor/", second_factor_views.enrol, name="second-factor-enrol"),
    path("account/passkeys/options/", second_factor_views.passkey_register_options, name="passkey-register-options"),
    path("account/passkeys/add/", second_factor_views.passkey_register, name="passkey-register"),
    path("account/passkeys/<int:passkey_id>/remove/", second_factor_views.remove_passkey, name="passkey-remove"),
    path("account/second-factor/recovery-codes/", second_factor_views.new_recovery_codes, name="recovery-codes-new"),
]
