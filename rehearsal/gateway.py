"""The template's HTTP API on loopback: its routes, its CORS configuration, payload format 2.0.

Each `AWS::ApiGatewayV2::Route` (`ANY /me/artworks/{proxy+}` → an integration → a function)
is matched as API Gateway matches: a route with a method beats `ANY`, literal segments beat
path variables, and a greedy `{proxy+}` comes last. The request becomes an HTTP API event
(version 2.0) for the function; its answer becomes the HTTP response. The API's
`CorsConfiguration` is applied by the gateway itself, as API Gateway does: preflight requests
are answered without calling a function, and a function's own CORS headers are replaced.
"""

from __future__ import annotations

import base64
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from rehearsal.template import ACCOUNT, of_type

Invoke = Callable[[str, dict[str, Any]], Any]  # function logical id, event → answer (or raise)
TEXTUAL = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")
API_ID = "rehearsal"


@dataclass(frozen=True)
class Route:
    """One route: its key, the function behind it, and how to match a path."""

    key: str
    method: str  # "ANY" or an HTTP method
    pattern: re.Pattern[str]
    variables: tuple[str, ...]
    function: str  # logical id of the function
    rank: tuple[int, int, int]

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Return the path parameters if this route takes the request."""
        if self.method not in ("ANY", method):
            return None
        found = self.pattern.fullmatch(path)
        return None if found is None else dict(zip(self.variables, found.groups(), strict=True))


@dataclass(frozen=True)
class Cors:
    """An HTTP API's CorsConfiguration."""

    origins: tuple[str, ...]
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    expose: tuple[str, ...]
    max_age: int

    def allows(self, origin: str | None) -> bool:
        """Return whether a browser at `origin` may call the API."""
        return origin is not None and (origin in self.origins or "*" in self.origins)


def routes(template: Mapping[str, Any]) -> list[Route]:
    """Return the template's routes, most specific first."""
    integrations = {
        name: resource["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
        for name, resource in of_type(template, "AWS::ApiGatewayV2::Integration").items()
    }
    found = []
    for resource in of_type(template, "AWS::ApiGatewayV2::Route").values():
        props = resource["Properties"]
        integration = props["Target"]["Fn::Join"][1][1]["Ref"]
        found.append(_route(props["RouteKey"], integrations[integration]))
    return sorted(found, key=lambda route: route.rank)


def _route(key: str, function: str) -> Route:
    """Compile one route key."""
    method, path = key.split(" ", 1)
    variables: list[str] = []
    parts: list[str] = []
    literal = greedy = 0
    for segment in path.strip("/").split("/"):
        variable = re.fullmatch(r"\{([^}+]+)(\+?)\}", segment)
        if variable is None:
            parts.append(re.escape(segment))
            literal += 1
        else:
            variables.append(variable.group(1))
            greedy += bool(variable.group(2))
            parts.append("(.+)" if variable.group(2) else "([^/]+)")
    pattern = re.compile("/" + "/".join(parts))
    rank = (greedy, -literal, int(method == "ANY"))
    return Route(key, method, pattern, tuple(variables), function, rank)


def cors_of(template: Mapping[str, Any]) -> Cors | None:
    """Return the HTTP API's CORS configuration, if it has one."""
    for resource in of_type(template, "AWS::ApiGatewayV2::Api").values():
        config = resource["Properties"].get("CorsConfiguration")
        if config:
            return Cors(
                origins=tuple(config.get("AllowOrigins", ())),
                methods=tuple(config.get("AllowMethods", ())),
                headers=tuple(h.lower() for h in config.get("AllowHeaders", ())),
                expose=tuple(config.get("ExposeHeaders", ())),
                max_age=int(config.get("MaxAge", 0)),
            )
    return None


def event_for(request: Request, route: Route, parameters: dict[str, str]) -> dict[str, Any]:
    """Return the HTTP API (payload 2.0) event API Gateway would send for `request`."""
    body = request.get_data()
    textual = request.mimetype.startswith(TEXTUAL) if request.mimetype else True
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        if name.lower() == "cookie":
            continue
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for name, value in request.args.items(multi=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": request.path,
        "rawQueryString": request.query_string.decode("latin-1"),
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "domainName": request.host,
            "domainPrefix": request.host.split(".")[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.remote_addr or "127.0.0.1",
                "userAgent": request.user_agent.string,
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": route.key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": not textual,
    }
    cookies = request.headers.getlist("Cookie")
    if cookies:
        event["cookies"] = [c.strip() for line in cookies for c in line.split(";")]
    if query:
        event["queryStringParameters"] = query
    if parameters:
        event["pathParameters"] = parameters
    if body:
        event["body"] = body.decode("utf-8") if textual else base64.b64encode(body).decode()
    return event


def response_of(answer: Any) -> Response:
    """Return the HTTP response for a function's payload 2.0 answer."""
    if not isinstance(answer, dict) or "statusCode" not in answer:
        return Response(str(answer), 200, content_type="application/json")
    body = answer.get("body") or ""
    data = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    response = Response(data, int(answer["statusCode"]))
    response.headers.clear()
    for name, value in (answer.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.add(name, str(value))
    for cookie in answer.get("cookies") or []:
        response.headers.add("Set-Cookie", cookie)
    return response


def _message(status: int, text: str) -> Response:
    """Return API Gateway's own error answer."""
    return Response(f'{{"message":"{text}"}}', status, content_type="application/json")


class Gateway:
    """The HTTP API, served on a free loopback port."""

    def __init__(self, table: Iterable[Route], cors: Cors | None, invoke: Invoke) -> None:
        self.routes = list(table)
        self.cors = cors
        self.invoke = invoke
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Gateway:
        """Serve requests."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def app(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI application."""
        request = Request(environ)
        origin = request.headers.get("Origin")
        if (
            self.cors is not None
            and request.method == "OPTIONS"
            and origin
            and "Access-Control-Request-Method" in request.headers
        ):
            return self._preflight(request, origin)(environ, start_response)
        response = self._dispatch(request)
        if self.cors is not None:
            self._decorate(response, origin)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        """Route the request to its function and return the function's answer."""
        for route in self.routes:
            parameters = route.match(request.method, request.path)
            if parameters is None:
                continue
            try:
                answer = self.invoke(route.function, event_for(request, route, parameters))
            except TimeoutError:
                return _message(503, "Service Unavailable")
            except FunctionFailed:
                return _message(500, "Internal Server Error")
            return response_of(answer)
        return _message(404, "Not Found")

    def _preflight(self, request: Request, origin: str) -> Response:
        """Answer a CORS preflight as API Gateway does (no function is called)."""
        assert self.cors is not None
        response = Response(status=204)
        method = request.headers.get("Access-Control-Request-Method", "")
        asked = [
            h.strip().lower()
            for h in request.headers.get("Access-Control-Request-Headers", "").split(",")
            if h.strip()
        ]
        methods_ok = method in self.cors.methods or "*" in self.cors.methods
        headers_ok = "*" in self.cors.headers or all(h in self.cors.headers for h in asked)
        if self.cors.allows(origin) and methods_ok and headers_ok:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = ",".join(self.cors.methods)
            if asked:
                response.headers["Access-Control-Allow-Headers"] = ",".join(asked)
            if self.cors.max_age:
                response.headers["Access-Control-Max-Age"] = str(self.cors.max_age)
        return response

    def _decorate(self, response: Response, origin: str | None) -> None:
        """Replace a function's CORS headers with the API's."""
        for name in [
            n for n, _ in response.headers.items() if n.lower().startswith("access-control-")
        ]:
            del response.headers[name]
        if self.cors is not None and self.cors.allows(origin):
            assert origin is not None
            response.headers["Access-Control-Allow-Origin"] = origin
            if self.cors.expose:
                response.headers["Access-Control-Expose-Headers"] = ",".join(self.cors.expose)
            response.headers.add("Vary", "Origin")


class FunctionFailed(RuntimeError):
    """The function raised or could not start (API Gateway answers 500)."""
