"""Test settings, chosen explicitly: pytest selects this module (pyproject.toml,
`DJANGO_SETTINGS_MODULE`); `manage.py`, wsgi/asgi and `make demo` use config.settings.

Everything the tests need differently from a real installation is overridden
here, in one place, instead of sniffing how the process was started.
"""

import os

# The base settings refuse to start without SECRET_KEY unless DEBUG; tests get a
# fixed key (a real environment variable still wins).
os.environ.setdefault("SECRET_KEY", "insecure-key-only-for-tests")
# Mail stays in memory (django.core.mail.outbox); tests that need SMTP start their own.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from config.settings import *  # noqa: E402, F403

#: tests/conftest.py refuses to run the suite under any other settings module.
PAKTWERK_TEST_SETTINGS = True

# Each test process keeps its cache in memory (tests of the shared cache set CACHE_URL).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Fast hashing in tests only; production keeps Django's PBKDF2 default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files straight from the finders: tests never run collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False

# Background jobs run at once (tests capture them with `run_jobs`).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Operations: no worker heartbeat expected (jobs run at once), readable logs.
HEALTH_REQUIRE_WORKER = False
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405
