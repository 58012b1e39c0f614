"""HTTP problems: every refusal the server makes is a `Problem` carrying its status and a
message that names what was wrong (the parameter, the limit, the media types on offer), turned
into a plain-text answer by one exception handler. A library error that reaches a route is a
client's bad input (an unknown entity, a parameter of the wrong type): 400."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from imet_kg.errors import ImetKgError


class Problem(ImetKgError):
    """A request the server answers with `status` and `detail` instead of what it asked for."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        super().__init__(detail)

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt with its status when it crosses from a query process.
        return (type(self), (self.status, self.detail, self.headers))


def not_acceptable(offered: list[str]) -> Problem:
    """406, listing the media types on offer."""
    return Problem(
        406, "None of the media types in Accept can be served; offered: " + ", ".join(offered)
    )


async def problem_response(_request: Request, error: Exception) -> Response:
    """The single handler: a Problem's status and message; any other library error, 400."""
    if isinstance(error, Problem):
        return PlainTextResponse(error.detail + "\n", error.status, headers=error.headers)
    return PlainTextResponse(f"{error}\n", 400)
