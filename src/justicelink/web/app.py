"""The web application: FastAPI, server-rendered pages, a JSON API, no external assets."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from justicelink import __version__
from justicelink.store import sessions
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.db import Store
from justicelink.store.signin import prune_attempts
from justicelink.store.users import get_account
from justicelink.web import (
    api,
    auditpage,
    auth,
    evaluation,
    linkpages,
    pages,
    reintegration,
    requestpages,
)
from justicelink.web.casework import RateLimitedError
from justicelink.web.data import Evidence
from justicelink.web.denials import Denials
from justicelink.web.policy import NAVIGATION, REVIEW_BAND, allowed
from justicelink.web.security import (
    COOKIE,
    BadFormError,
    ForbiddenError,
    NotSignedInError,
    PasswordChangeError,
    client_of,
    deny,
    session_of,
)

log = logging.getLogger(__name__)

# Pages hold personal data: never cached, never framed, no script or style from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    *,
    evidence: Evidence,
    store: Store,
    audit: AuditLog,
    secure_cookies: bool = False,
    trusted_proxies: Sequence[str] = (),
    review_band: tuple[float, float] = REVIEW_BAND,
    agencies: frozenset[str] | None = None,
    cooperation_dir: Path | None = None,
) -> FastAPI:
    """The app over a warehouse (``evidence``) and an operational store.

    Args:
        evidence: The warehouse view (measures, persons, review queue).
        store: Users, sessions and the audit log.
        audit: The store's audit log.
        secure_cookies: Mark the session cookie Secure even on plain HTTP requests (behind
            a proxy that terminates TLS); requests that arrive over HTTPS always get it.
        trusted_proxies: Addresses (or networks) of reverse proxies whose X-Forwarded-For and
            X-Forwarded-Proto are believed; from anyone else these headers are ignored.
        review_band: The match probabilities a linkage reviewer may be shown (low, high):
            the uncertain band of the linkage settings; a request outside it is refused.
        agencies: The agencies an account may belong to (admin page); default: the
            warehouse's agency table.
        cooperation_dir: The cooperation folder (practice.yaml, bilateral.yaml, ...) the
            request pages read, as `justicelink coop --dir`.
    """
    denials = Denials(audit)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sessions.prune(store)
        prune_attempts(store)
        evidence.warm()
        yield
        denials.flush()

    app = FastAPI(
        title="justicelink",
        version=__version__,
        description=(
            "Criminal-justice evidence: measures (aggregates, small cells suppressed), "
            "linked persons' histories (with a stated purpose), linkage review and the "
            "audit log. Every route needs a signed-in session with both factors."
        ),
        docs_url=None,  # the Swagger page loads scripts from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.audit = audit
    app.state.evidence = evidence
    app.state.secure_cookies = secure_cookies
    app.state.denials = denials
    app.state.review_band = review_band
    app.state.agencies = agencies
    app.state.cooperation_dir = cooperation_dir
    # Signs the CSRF token of the forms shown before sign-in; a restart only makes an open
    # sign-in form ask to be reloaded.
    app.state.form_secret = secrets.token_bytes(32)
    templates = Jinja2Templates(
        env=jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(resources.files("justicelink.web") / "templates")),
            autoescape=True,
        )
    )
    templates.env.globals.update(navigation=NAVIGATION, allowed=allowed, version=__version__)
    app.state.templates = templates
    static = Path(str(resources.files("justicelink.web") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as exc:  # answered here so the 500 too has the headers below
            response = _server_error(request, exc)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https":  # browsers remember to come back over HTTPS only
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        response.headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - started):.1f}"
        return response

    @app.exception_handler(NotSignedInError)
    async def not_signed_in(request: Request, _exc: NotSignedInError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    def _server_error(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path, exc_info=exc)
        state = getattr(request.state, "principal", None)
        actor = state.actor if state is not None else Actor(None)
        try:
            audit.record(
                actor,
                "error",
                outcome="failure",
                object=f"{request.method} {request.url.path}",
                detail={"error": type(exc).__name__, "client": client_of(request)},
            )
        except Exception:  # the store itself may be what failed; the answer still goes out
            log.exception("the server error could not be audited")
        if _is_api(request):
            return JSONResponse({"detail": "server error (recorded)"}, status_code=500)
        page: Response = templates.TemplateResponse(
            request,
            "error.html.j2",
            {"title": "Server error", "message": "Something went wrong; it has been recorded."},
            status_code=500,
        )
        return page

    @app.exception_handler(PasswordChangeError)
    async def password_first(request: Request, _exc: PasswordChangeError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "change your password first"}, status_code=403)
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(RateLimitedError)
    async def rate_limited(request: Request, exc: RateLimitedError) -> Response:
        headers = {"Retry-After": "3600"}
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=429, headers=headers)
        principal = getattr(request.state, "principal", None)
        page: Response = templates.TemplateResponse(
            request,
            "error.html.j2",
            {"title": "Enough for this hour", "message": exc.message, "principal": principal},
            status_code=429,
            headers=headers,
        )
        return page

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, exc: ForbiddenError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        principal = getattr(request.state, "principal", None)
        page: Response = templates.TemplateResponse(
            request,
            "error.html.j2",
            {"title": "Not allowed", "message": exc.message, "principal": principal},
            status_code=403,
        )
        return page

    @app.exception_handler(BadFormError)
    async def bad_form(request: Request, _exc: BadFormError) -> Response:
        state = session_of(request)
        account = None
        if state is not None and state.user_id is not None:
            account = get_account(store, state.user_id)
        actor = Actor(account.name, account.role, account.agency_id) if account else None
        deny(request, actor, "csrf", session=state is not None)
        message = "This form has expired or did not come from this site. Reload and try again."
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=403)
        page: Response = templates.TemplateResponse(
            request, "error.html.j2", {"title": "Form expired", "message": message}, status_code=403
        )
        return page

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(evaluation.router)
    app.include_router(linkpages.router)
    app.include_router(auditpage.router)
    app.include_router(requestpages.router)
    app.include_router(api.router)
    app.include_router(reintegration.router)
    if trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies))
    return app
