"""The web lead form a company links from its website.

`GET /form/lead` shows the fields the Self Gen form captures at the door
(labels and placeholders from the leads' field specs, lengths from their
columns), what the customer is interested in, a referral source from the
list the admin edits and a message. `POST /form/lead` checks them with the Self Gen form's rules
(`store.selfgen.problems`) and every value with the rule the server applies
to any pushed value (`domain.rules.check_value`), shows each error beside its
field with what was typed kept, and stores the lead *unassigned* (no rep:
managers who may reassign leads see it in their Unassigned queue) through
the push path, like `rep-tui admin` writes.

Bots: a field no person sees (`HONEYPOT`) gets the thank-you page and stores
nothing; each address may send `RATE_LIMIT` forms per `RATE_WINDOW`. The
company's name and colours (`FormStyle`) and the referral sources are server
settings (`server_settings`), edited with `rep-tui admin form-style` and
`rep-tui admin referral-sources`: only this page uses them, so they are not
synced; a lead keeps the chosen source as text. Plain HTML, no script."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection, Engine, delete, func, select

from rep_tui.clock import utcnow
from rep_tui.domain.fields import specs, used, with_derived
from rep_tui.domain.rules import check_text, check_value
from rep_tui.domain.validation import Invalid
from rep_tui.server.auth import Principal
from rep_tui.server.models import FormPost, Setting
from rep_tui.store.models import Lead, Note
from rep_tui.store.selfgen import CONTACT_NEEDED, NAME_NEEDED, PRODUCTS, SelfGenForm, problems

PATH = "/form/lead"
THANKS_PATH = "/form/lead/thanks"
#: A field hidden from people (by CSS and from screen readers); a bot that fills it in is thanked and ignored.
HONEYPOT = "website"
#: Forms one client address may send (stored, or caught by the honeypot) per window.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=10)
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
#: Who web form leads are recorded as in the change history and on their notes (not a user row).
WEB_FORM = Principal(id=uuid.uuid5(uuid.NAMESPACE_URL, "rep-tui:web-form"), username="web-form",
                     full_name="Web form", role="admin", team_id=None)
SOURCE = "web"
STYLE_KEY, SOURCES_KEY = "form_style", "referral_sources"
DEFAULT_SOURCES = ("Search engine", "Friend or neighbour", "Social media", "Saw our work nearby", "Other")
MESSAGE, PRODUCT, REFERRAL = "notes", "product_interest", "referral"
#: The fields the Self Gen form captures at the door (`FieldSpec.door`), in the model's order.
DOOR_FIELDS = tuple(used("leads", "door"))
_INPUT_TYPES = {"email": "email", "home_phone": "tel", "cell_phone": "tel", "work_phone": "tel"}
_AUTOCOMPLETE = {"first_name": "given-name", "last_name": "family-name", "home_phone": "tel", "email": "email",
                 "address": "street-address", "city": "address-level2", "state": "address-level1",
                 "zip": "postal-code"}
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
#: The longest company name the form's heading takes.
NAME_LENGTH = 120


# --- settings -------------------------------------------------------------------------


def check_colour(value: str) -> str:
    """A CSS colour as #rgb or #rrggbb (nothing else can reach the page's style sheet)."""
    if not _COLOUR.match(value.strip()):
        raise Invalid(f"{value!r} is not a colour like #1f5fa8 or #fff.")
    return value.strip().lower()


@dataclass(frozen=True)
class FormStyle:
    """The company's look on the form: its name (the page's heading) and colours."""

    name: str = "Request a free estimate"
    primary: str = "#1f5fa8"
    background: str = "#f6f7f9"
    text: str = "#1a1a1a"

    def checked(self) -> FormStyle:
        """The style with each value checked (colours lowercased); raises `Invalid` naming the first bad one."""
        checks = {"name": _company_name, "primary": check_colour, "background": check_colour, "text": check_colour}
        clean = {}
        for part, check in checks.items():
            try:
                clean[part] = check(getattr(self, part))
            except Invalid as exc:
                raise Invalid(f"{part}: {exc}") from None
        return FormStyle(**clean)


def _company_name(value: str) -> str:
    if not value.strip():
        raise Invalid("give the company's name.")
    return check_text(value.strip(), max_length=NAME_LENGTH, long=False)


def _setting(conn: Connection, key: str) -> Any:
    return conn.execute(select(Setting.value).where(Setting.key == key)).scalar()


def save_setting(engine: Engine, key: str, value: Any) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == key))
        conn.execute(Setting.__table__.insert().values(key=key, value=value))


def read_style(conn: Connection) -> FormStyle:
    stored = _setting(conn, STYLE_KEY) or {}
    known = {f.name for f in fields(FormStyle)}
    return FormStyle(**{k: v for k, v in stored.items() if k in known})


def save_style(engine: Engine, style: FormStyle) -> FormStyle:
    checked = style.checked()
    save_setting(engine, STYLE_KEY, asdict(checked))
    return checked


def referral_sources(conn: Connection) -> list[str]:
    stored = _setting(conn, SOURCES_KEY)
    return list(DEFAULT_SOURCES if stored is None else stored)


# --- the form ---------------------------------------------------------------------------


@dataclass
class Submission:
    """What was typed (as typed), and what is wrong with it, by field."""

    values: dict[str, str]
    errors: dict[str, str]


def read_body(body: bytes) -> dict[str, str]:
    """The form's fields from an url-encoded body (the last of a repeated name); raises `Invalid`."""
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50, errors="strict"))
    except UnicodeDecodeError:  # the body, or a %-escaped value in it
        raise Invalid("The form did not arrive as UTF-8 text.") from None
    except ValueError:
        raise Invalid("The form has too many fields.") from None


def check(values: dict[str, str], sources: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The lead's column values and its message, or the errors by field: the
    Self Gen form's rules, the list fields' choices, then each value as the
    server checks any stored value (length, control characters)."""
    form = SelfGenForm(**{name: values.get(name, "") for name in DOOR_FIELDS + (MESSAGE,)})
    errors = problems(form)
    product = values.get(PRODUCT, "").strip() or None
    if product is not None and product not in PRODUCTS:
        errors[PRODUCT] = f"Choose one of: {', '.join(PRODUCTS)}."
    referral = values.get(REFERRAL, "").strip() or None
    if referral is not None and referral not in sources:
        errors[REFERRAL] = "Choose one of the list."
    clean: dict[str, Any] = {}
    for name in DOOR_FIELDS:
        if name not in errors:
            clean[name] = specs("leads")[name].check(getattr(form, name))
    clean.update({PRODUCT: product, REFERRAL: referral})
    columns = Lead.__table__.c
    for name, value in clean.items():
        try:
            check_value(columns[name], value)
        except Invalid as exc:
            errors.setdefault(name, str(exc))
    message = form.notes.strip()
    try:
        check_value(Note.__table__.c.body, message)
    except Invalid as exc:
        errors[MESSAGE] = str(exc)
    return {**with_derived("leads", clean), MESSAGE: message}, errors


def store(engine: Engine, clean: dict[str, Any]) -> uuid.UUID:
    """The lead, unassigned, with its message as an office note; through the
    push path (versions, PID, history), so it syncs like any lead."""
    from rep_tui.server.admin import _apply, _insert

    message = clean[MESSAGE]
    columns = {name: value for name, value in clean.items() if name != MESSAGE and value is not None}
    lead = _insert("leads", {**columns, "source": SOURCE, "rep_id": None}, "the web form's lead")
    changes = [lead]
    if message:
        changes.append(_insert("notes", {"lead_id": lead.row_id, "body": message}, "the web form's message"))
    _apply(engine, changes, actor=WEB_FORM)
    return lead.row_id


def over_rate(engine: Engine, address: str) -> bool:
    """Whether `address` sent `RATE_LIMIT` forms within the window (old posts are forgotten here)."""
    since = utcnow() - RATE_WINDOW
    with engine.begin() as conn:
        conn.execute(delete(FormPost).where(FormPost.at < since))
        sent = conn.execute(select(func.count()).select_from(FormPost).where(FormPost.address == address)).scalar()
    return bool(sent >= RATE_LIMIT)


def count_post(engine: Engine, address: str) -> None:
    with engine.begin() as conn:
        conn.execute(FormPost.__table__.insert().values(address=address[:64], at=utcnow()))


# --- pages ------------------------------------------------------------------------------


def _css(style: FormStyle) -> str:
    return f"""
body {{ font-family: system-ui, sans-serif; background: {style.background}; color: {style.text};
       margin: 0; padding: 1rem; }}
main {{ max-width: 36rem; margin: 0 auto; }}
h1 {{ color: {style.primary}; }}
.field {{ margin: 0 0 .8rem; }}
label {{ display: block; font-weight: 600; margin-bottom: .2rem; }}
input, select, textarea {{ width: 100%; box-sizing: border-box; padding: .45rem; font: inherit;
                          border: 1px solid #8a8f98; border-radius: 4px; }}
.bad input, .bad select, .bad textarea {{ border: 2px solid #b00020; }}
.error {{ color: #b00020; margin: .2rem 0 0; }}
.summary {{ border-left: 4px solid #b00020; padding: .4rem .8rem; }}
.hint {{ font-size: .95rem; }}
.trap {{ position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }}
button {{ background: {style.primary}; color: #fff; border: 0; border-radius: 4px; padding: .6rem 1.4rem;
         font: inherit; font-weight: 600; cursor: pointer; }}
"""


def _page(style: FormStyle, title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} — {escape(style.name)}</title><style>{_css(style)}</style></head>"
            f"<body><main><h1>{escape(style.name)}</h1>{body}</main></body></html>")


def _field(name: str, label: str, control: str, error: str | None) -> str:
    described = f' aria-describedby="e-{name}" aria-invalid="true"' if error else ""
    control = control.replace("{described}", described)
    shown = f'<p class="error" id="e-{name}">{escape(error)}</p>' if error else ""
    return (f'<div class="field{" bad" if error else ""}"><label for="f-{name}">{escape(label)}</label>'
            f"{control}{shown}</div>")


def _input(name: str, value: str) -> str:
    spec, column = specs("leads")[name], Lead.__table__.c[name]
    placeholder = f' placeholder="{escape(spec.placeholder)}"' if spec.placeholder else ""
    complete = f' autocomplete="{_AUTOCOMPLETE[name]}"' if name in _AUTOCOMPLETE else ""
    required = " required" if spec.required else ""
    return (f'<input id="f-{name}" name="{name}" type="{_INPUT_TYPES.get(name, "text")}" value="{escape(value)}"'
            f' maxlength="{column.type.length}"{placeholder}{complete}{required}{{described}}>')


def _select(name: str, value: str, choices: list[str] | tuple[str, ...]) -> str:
    options = ['<option value="">Choose…</option>'] + [
        f'<option{" selected" if choice == value else ""}>{escape(choice)}</option>' for choice in choices]
    return f'<select id="f-{name}" name="{name}"{{described}}>{"".join(options)}</select>'


def form_page(style: FormStyle, sources: list[str], submission: Submission | None = None) -> str:
    values, errors = (submission.values, submission.errors) if submission else ({}, {})
    label = {name: spec.label + (" *" if spec.required else "") for name, spec in specs("leads").items()}
    parts = [f'<p class="hint">{escape(NAME_NEEDED)} {escape(CONTACT_NEEDED)}</p>']
    if errors:
        parts.append(f'<p class="summary" role="alert">Please check the {len(errors)} field'
                     f'{"s" if len(errors) > 1 else ""} marked below; nothing was sent yet.</p>')
    parts.append(f'<form method="post" action="{PATH}" novalidate>')
    parts += [_field(name, label[name], _input(name, values.get(name, "")), errors.get(name)) for name in DOOR_FIELDS]
    parts.append(_field(PRODUCT, "Interested in", _select(PRODUCT, values.get(PRODUCT, ""), PRODUCTS),
                        errors.get(PRODUCT)))
    parts.append(_field(REFERRAL, "How did you hear of us?", _select(REFERRAL, values.get(REFERRAL, ""), sources),
                        errors.get(REFERRAL)))
    parts.append(_field(MESSAGE, "Message", f'<textarea id="f-{MESSAGE}" name="{MESSAGE}" rows="4"{{described}}>'
                        f'{escape(values.get(MESSAGE, ""))}</textarea>', errors.get(MESSAGE)))
    parts.append(f'<div class="trap" aria-hidden="true"><label for="f-{HONEYPOT}">Leave this empty</label>'
                 f'<input id="f-{HONEYPOT}" name="{HONEYPOT}" tabindex="-1" autocomplete="off"></div>')
    parts.append('<button type="submit">Send</button></form>')
    return _page(style, "Contact us", "".join(parts))


def thanks_page(style: FormStyle) -> str:
    return _page(style, "Thank you", "<h2>Thank you!</h2><p>We have your details and will be in touch soon.</p>")


def problem_page(style: FormStyle, title: str, message: str) -> str:
    return _page(style, title, f'<h2>{escape(title)}</h2><p>{escape(message)}</p>'
                 f'<p><a href="{PATH}">Back to the form</a></p>')


# --- routes -----------------------------------------------------------------------------

#: The page may load nothing and send its form only here: no script runs, whatever a value holds.
_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def _form_body() -> dict:
    """The OpenAPI description of the form's body (read by hand, as browsers send it)."""
    columns = Lead.__table__.c
    texts = {name: {"type": "string", "maxLength": columns[name].type.length} for name in DOOR_FIELDS}
    fields_ = {**texts, PRODUCT: {"type": "string", "enum": ["", *PRODUCTS]}, REFERRAL: {"type": "string"},
               MESSAGE: {"type": "string"},
               HONEYPOT: {"type": "string", "description": "Hidden from people: filled in, the form is not kept."}}
    return {"requestBody": {"required": True, "content": {FORM_CONTENT_TYPE: {"schema": {
        "type": "object", "properties": fields_}}}}}


def add_routes(app: FastAPI, engine: Engine) -> None:
    """`GET`/`POST /form/lead` and the thank-you page on `app` (no sign-in: the public face)."""
    def html(text: str, status: int = 200, **headers: str) -> HTMLResponse:
        return HTMLResponse(text, status_code=status, headers={**_HEADERS, **headers})

    def settings() -> tuple[FormStyle, list[str]]:
        with engine.connect() as conn:
            return read_style(conn), referral_sources(conn)

    @app.get(PATH, response_class=HTMLResponse, tags=["web form"])
    def lead_form() -> HTMLResponse:
        """The lead form a company links from its website."""
        return html(form_page(*settings()))

    @app.get(THANKS_PATH, response_class=HTMLResponse, tags=["web form"])
    def lead_thanks() -> HTMLResponse:
        return html(thanks_page(settings()[0]))

    @app.post(PATH, response_class=HTMLResponse, response_model=None, tags=["web form"],
              openapi_extra=_form_body(), responses={
        303: {"description": "Stored (or caught by the honeypot): on to the thank-you page."},
        400: {"description": "The form is not UTF-8 text."},
        415: {"description": f"The body is not {FORM_CONTENT_TYPE}."},
        422: {"description": "The form again, each error beside its field, what was typed kept."},
        429: {"description": f"More than {RATE_LIMIT} forms from this address lately."}})
    async def send_lead(request: Request) -> HTMLResponse | RedirectResponse:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()  # bounded by BodyLimit
        address = request.client.host if request.client else "unknown"
        return await run_in_threadpool(_answer, kind, body, address)

    def _answer(kind: str, body: bytes, address: str) -> HTMLResponse | RedirectResponse:
        style, sources = settings()
        if kind != FORM_CONTENT_TYPE:
            return html(problem_page(style, "Not a form", "Please send the form from its page."), 415)
        if over_rate(engine, address):
            minutes = int(RATE_WINDOW.total_seconds() // 60)
            return html(problem_page(style, "Too many forms", f"We have received {RATE_LIMIT} forms from your "
                                     f"address in the last {minutes} minutes. Please try again later."),
                        429, **{"Retry-After": str(int(RATE_WINDOW.total_seconds()))})
        try:
            values = read_body(body)
        except Invalid as exc:
            return html(problem_page(style, "Not a form", str(exc)), 400)
        thanks = RedirectResponse(THANKS_PATH, status_code=303, headers=_HEADERS)
        if values.get(HONEYPOT, "").strip():
            count_post(engine, address)
            return thanks
        clean, errors = check(values, sources)
        if errors:
            return html(form_page(style, sources, Submission(values, errors)), 422)
        store(engine, clean)
        count_post(engine, address)
        return thanks
