"""OpenID Connect login against a tiny provider of our own, served on a local thread."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CLIENT_ID = "paktwerk-test"


class Provider:
    """discovery, authorize, token, jwks and userinfo of a minimal OIDC provider."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.nonce = ""
        self.email = "anna@kreis.example"
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                route = urlsplit(self.path).path
                if route == "/.well-known/openid-configuration":
                    self._json(provider.discovery())
                elif route == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
                elif route == "/userinfo":
                    ok = self.headers.get("Authorization") == "Bearer at-1"
                    self._json(
                        {"sub": "u1", "email": provider.email} if ok else {}, 200 if ok else 401
                    )
                else:
                    self._json({}, 404)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                if urlsplit(self.path).path != "/token" or form.get("code") != ["code-1"]:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                claims = {
                    "iss": provider.url,
                    "sub": "u1",
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": provider.nonce,
                    "email": provider.email,
                }
                token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": "k1"})
                self._json({"id_token": token, "access_token": "at-1", "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "userinfo_endpoint": f"{self.url}/userinfo",
        }


@pytest.fixture
def provider(settings):
    p = Provider()
    p.thread.start()
    import requests

    meta = requests.get(f"{p.url}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "core.oidc.PaktwerkOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = meta["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = meta["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = meta["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = meta["jwks_uri"]
    yield p
    p.server.shutdown()


def _login(provider, code="code-1"):
    client = Client()
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302 and response.url.startswith(f"{provider.url}/authorize")
    params = parse_qs(urlsplit(response.url).query)
    provider.nonce = params["nonce"][0]
    callback = client.get(
        reverse("oidc_authentication_callback"), {"code": code, "state": params["state"][0]}
    )
    return client, callback


def test_existing_user_logs_in_by_email(provider):
    user = UserFactory(username="anna", email="Anna@Kreis.example")
    client, callback = _login(provider)
    assert callback.status_code == 302
    assert client.session.get(SESSION_KEY) == str(user.pk)


def test_unknown_email_is_refused_and_no_user_created(provider):
    from django.contrib.auth import get_user_model

    before = get_user_model().objects.count()
    client, _callback = _login(provider)
    assert SESSION_KEY not in client.session
    assert get_user_model().objects.count() == before


def test_inactive_user_is_refused(provider):
    UserFactory(username="anna", email="anna@kreis.example", is_active=False)
    client, _callback = _login(provider)
    assert SESSION_KEY not in client.session


def test_bad_code_is_refused(provider):
    UserFactory(username="anna", email="anna@kreis.example")
    client, _callback = _login(provider, code="wrong")
    assert SESSION_KEY not in client.session


def test_disabled_by_default(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
