"""gunicorn settings for PEELtrack: `gunicorn -c gunicorn.conf.py`. See docs/deploy.md.

Why gunicorn: PEELtrack is a synchronous Django app (the ORM, streamed downloads), and
gunicorn is the long-standing pre-fork WSGI server for that on Linux: it restarts a
worker that crashes or hangs, reloads new code without dropping requests (SIGHUP), and
needs nothing but Python. uvicorn would run the same code through ASGI's thread
hand-off for no gain (there is no async code), and waitress is one process with threads:
no worker restarts, and one crash takes every request with it.

Every value can be changed by an environment variable (GUNICORN_*).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
wsgi_app = "peeltrack.wsgi:application"

# Processes from the core count (gunicorn's rule of thumb), each with a few threads:
# threads let one worker stream a large evidence pack while it keeps answering, and keep
# a slow download from tying up a whole process.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A worker whose main loop is silent this long is killed and replaced. With threads a
# long download does not count as silence; a stuck process does.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM or a reload, requests in progress get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind the reverse proxy, which holds the client connections.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Replace each worker now and then, so a slow leak can never build up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The heartbeat file lives in memory, not on a disk that can stall.
SHARED_MEMORY = "/dev/shm"  # noqa: S108  (gunicorn's documented choice; its file is private)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
# The proxy's X-Forwarded-* headers are trusted from these addresses only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Not preloaded: SIGHUP then starts new workers on the new code (zero-downtime upgrade).
preload_app = False
# gunicorn's runtime control socket is one fixed path per user: two servers on one machine
# would fight over it, and PEELtrack is managed by signals (docs/deploy.md).
control_socket_disable = True

# Logs: JSON lines on stderr. The app writes one line per request itself, with the user
# and the request id (peeltrack/logs.py), so gunicorn's own access line is off unless
# GUNICORN_ACCESS_LOG names a file (or "-" for stderr).
logger_class = "peeltrack.gunicorn_logging.JsonLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
proc_name = "peeltrack"
