"""gunicorn's own log lines (start, stop, worker restarts, the optional access line) as JSON,
in the same shape as the app's (peeltrack/logs.py). Named by gunicorn.conf.py."""

from gunicorn.glogging import Logger

from peeltrack.logs import JsonFormatter


class JsonLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        self.access_log.info(
            "access",
            extra={
                "request_id": headers.get("x-request-id"),
                "method": req.method,
                "path": req.path,  # never the query string
                "status": resp.status_code,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": getattr(resp, "sent", None),
            },
        )
