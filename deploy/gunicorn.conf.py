"""gunicorn configuration for Paktwerk (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Every value can be overridden by an environment variable of the same name in
upper case with the prefix GUNICORN_ (e.g. GUNICORN_WORKERS=8).
"""

import multiprocessing
import os


def _env(name: str, default):
    value = os.environ.get(f"GUNICORN_{name.upper()}")
    return type(default)(value) if value is not None else default


bind = _env("bind", "127.0.0.1:8000")  # behind nginx; never exposed directly
# sync workers: Paktwerk's requests are short; PDFs and imports run in task workers.
workers = _env("workers", multiprocessing.cpu_count() * 2 + 1)
threads = _env("threads", 1)
worker_class = "sync"
timeout = _env("timeout", 60)  # a request that takes longer is killed and logged
graceful_timeout = _env("graceful_timeout", 30)
keepalive = _env("keepalive", 5)
max_requests = _env("max_requests", 2000)  # recycle workers against slow leaks
max_requests_jitter = _env("max_requests_jitter", 200)
# Request limits (the body size is limited by nginx: client_max_body_size).
limit_request_line = _env("limit_request_line", 8190)
limit_request_fields = _env("limit_request_fields", 100)
limit_request_field_size = _env("limit_request_field_size", 8190)
forwarded_allow_ips = _env("forwarded_allow_ips", "127.0.0.1")
accesslog = _env("accesslog", "-") or None  # GUNICORN_ACCESSLOG= (empty): off
# Request id and user id are in Django's JSON log; the access log stays lean, no query string.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%({x-request-id}i)s"'
errorlog = "-"
loglevel = _env("loglevel", "info")
preload_app = False
