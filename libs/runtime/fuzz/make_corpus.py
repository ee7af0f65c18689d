#!/usr/bin/env python3
"""Writes the JWT fuzz target's seed tokens, its dictionary and the public keys they verify with.

    libs/runtime/fuzz/make_corpus.py     (needs the openssl command)

A fresh RSA and P-256 key pair is generated each run: only the public halves are kept
(fuzz/keys/), so the repository holds no private key. Tokens are minted here, independently of
libjwt, for a clock at 2024-01-01T00:30:00Z (the fuzz target's): valid HS256 / RS256 / ES256
tokens, and the usual attacks (alg none, expired, wrong audience, HS256 signed with the RSA
public key).
"""
import base64
import hashlib
import hmac
import json
import pathlib
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SECRET = b"fuzz-only-hs256-secret-0123456789abcdef"  # jwt_fuzzer.cc kSecret
ISSUED = 1704067200  # 2024-01-01T00:00:00Z
CLAIMS = {"sub": "worker-17", "roles": ["practitioner", "team_manager"], "team": "team-3",
          "authority": "devon", "iss": "https://idp.example", "aud": "oversight",
          "iat": ISSUED, "nbf": ISSUED, "exp": ISSUED + 3600}


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signing_input(header, claims):
    return b64(json.dumps(header, separators=(",", ":")).encode()) + "." + b64(
        json.dumps(claims, separators=(",", ":")).encode())


def hs256(claims, header=None, key=SECRET):
    data = signing_input(header or {"alg": "HS256", "typ": "JWT"}, claims)
    return data + "." + b64(hmac.new(key, data.encode(), hashlib.sha256).digest())


def der_to_raw(der):
    """ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs) -> r || s, 32 bytes each (JWS ES256)."""
    assert der[0] == 0x30
    at = 2
    parts = []
    for _ in range(2):
        assert der[at] == 0x02
        length = der[at + 1]
        parts.append(int.from_bytes(der[at + 2:at + 2 + length], "big").to_bytes(32, "big"))
        at += 2 + length
    return b"".join(parts)


def openssl_sign(private_pem, data, ec):
    with tempfile.NamedTemporaryFile() as key:
        key.write(private_pem)
        key.flush()
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key.name],
                                   input=data.encode(), check=True, capture_output=True).stdout
    return der_to_raw(signature) if ec else signature


def key_pair(ec):
    generate = (["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
                if ec else ["openssl", "genpkey", "-algorithm", "RSA",
                            "-pkeyopt", "rsa_keygen_bits:2048"])
    private = subprocess.run(generate, check=True, capture_output=True).stdout
    public = subprocess.run(["openssl", "pkey", "-pubout"], input=private, check=True,
                            capture_output=True).stdout
    return private, public


def main():
    rsa_private, rsa_public = key_pair(ec=False)
    ec_private, ec_public = key_pair(ec=True)
    (HERE / "keys").mkdir(exist_ok=True)
    (HERE / "keys/rs256_public.pem").write_bytes(rsa_public)
    (HERE / "keys/es256_public.pem").write_bytes(ec_public)

    public_claims = {k: v for k, v in CLAIMS.items() if k not in ("iss", "aud")}
    rs_data = signing_input({"alg": "RS256", "typ": "JWT"}, public_claims)
    es_data = signing_input({"alg": "ES256", "typ": "JWT"}, public_claims)
    seeds = {
        "hs256-valid": hs256(CLAIMS),
        "hs256-audience-list": hs256({**CLAIMS, "aud": ["other", "oversight"]}),
        "rs256-valid": rs_data + "." + b64(openssl_sign(rsa_private, rs_data, ec=False)),
        "es256-valid": es_data + "." + b64(openssl_sign(ec_private, es_data, ec=True)),
        "alg-none": signing_input({"alg": "none"}, CLAIMS) + ".",
        "expired": hs256({**CLAIMS, "exp": ISSUED - 60}),
        "wrong-audience": hs256({**CLAIMS, "aud": "elsewhere"}),
        "rsa-key-as-hmac-secret": hs256(public_claims, key=rsa_public),
        "bad-signature": hs256(CLAIMS)[:-4] + "AAAA",
        "not-a-jwt": "not.a.jwt",
        # Header and claims that the target signs itself (inputs starting with '{').
        "signed-claims": json.dumps({"alg": "HS256"}) + "\n" + json.dumps(CLAIMS),
        "signed-huge-exp": '{"alg":"HS256"}\n{"sub":"w","exp":1e300,"iss":"https://idp.example",'
                           '"aud":"oversight"}',
        "signed-odd-roles": '{"alg":"HS256","alg":"none"}\n{"sub":"w","exp":1704070800,'
                            '"nbf":-1e20,"roles":[1,null],"iss":"https://idp.example",'
                            '"aud":["oversight"]}',
    }
    corpus = HERE / "corpus/jwt_fuzzer"
    corpus.mkdir(parents=True, exist_ok=True)
    for old in corpus.glob("seed-*"):
        old.unlink()
    for name, text in seeds.items():
        (corpus / f"seed-{name}").write_text(text)

    tokens = ['"alg"', '"typ"', '"JWT"', '"HS256"', '"RS256"', '"ES256"', '"none"', '"sub"',
              '"roles"', '"team"', '"authority"', '"iss"', '"aud"', '"exp"', '"nbf"', '"iat"',
              '"https://idp.example"', '"oversight"', "1704070800", "1e300", "-1e300",
              "18446744073709551615", "eyJ", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJub25lIn0", "."]
    with open(HERE / "jwt.dict", "w") as out:
        for token in tokens:
            out.write('"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"\n')


if __name__ == "__main__":
    main()
