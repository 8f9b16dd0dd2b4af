"""Write the seed corpora of the text fuzz targets from the crate's test vectors.

Run from fuzz/: python3 make_corpus.py. Each seed is one vector case in the KEY=VALUE line
format of src/lib.rs; ids are only used to name the files.
"""
import json
import pathlib

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"
OUT = pathlib.Path(__file__).resolve().parent / "corpus"


def unix(now):
    from datetime import datetime
    return int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp())


def write(target, name, lines):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def cases(kind, limit):
    doc = json.loads((DATA / f"{kind}.json").read_text())
    return doc["cases"][:limit]


for case in cases("password_claim", 6):
    i = case["input"]
    params = [f"{k}={v}" for k, v in i["challenge_parameters"].items()]
    write("challenge_params", case["id"], params)
    settings = [f"@pool={i['user_pool_id']}", f"@a={i['a']}", f"@password={i['password']}", f"@now={unix(i['now'])}"]
    write("password_verifier", case["id"], settings + params)
    server = [f"@password={i['password']}", f"@salt={i['challenge_parameters']['SALT']}",
              f"@srp_a={case['expected']['SRP_A']}", f"@now={unix(i['now'])}"]
    server += [f"{k}={v}" for k, v in case["expected"].items() if k != "SRP_A"]
    write("server", case["id"], server)

for case in cases("device_claim", 6):
    i = case["input"]
    params = [f"{k}={v}" for k, v in i["challenge_parameters"].items()]
    settings = [f"@device_key={i['device_key']}", f"@group_key={i['device_group_key']}",
                f"@password={i['device_password']}", f"@a={i['a']}", f"@username={i['username']}",
                f"@stored=cognito-srp-device/1 {i['device_key']} {i['device_group_key']} {i['device_password']}"]
    write("device_answer", case["id"], settings + params)
    write("challenge_params", case["id"], params)

for case in cases("device_verifier", 3):
    cfg = case["expected"]["DeviceSecretVerifierConfig"]
    write("server", case["id"], [f"@device_salt={cfg['Salt']}", f"@device_verifier={cfg['PasswordVerifier']}"])

for case in cases("secret_hash", 3):
    i = case["input"]
    write("server", case["id"], [f"@username={i['username']}", f"@client_secret={i['client_secret']}",
                                 f"@secret_hash={case['expected']['SECRET_HASH']}"])

# The structured targets (arbitrary-derived inputs) start from a few fixed byte strings.
for target in ("sign_in", "encoding"):
    for n, seed in enumerate([bytes(range(64)), bytes(range(255, 0, -3)) * 2, b"PASSWORD_VERIFIER" * 8]):
        d = OUT / target
        d.mkdir(parents=True, exist_ok=True)
        (d / f"seed-{n}").write_bytes(seed)

# pool_conversations: setup bytes, then ops (see the header of fuzz_targets/pool_conversations.rs).
def step(i): return [0x00 | i]
def mut(i, what, j=0, variant=0, inject=False): return [0x04 | i, what | j << 3 | variant << 5 | (0x80 if inject else 0)]
def replay(back, feed=False): return [0x08, back | (0x80 if feed else 0)]
def clock(a): return [0x0C | a]                   # +1 s, +60 s, +400 s, +30 days
def forget(d): return [0x10 | d]
def setup(secret, slots, seed=0):
    """slots: (who, device) per slot; who = name | password << 2 | flags."""
    out = [(1 if secret else 0) | (len(slots) - 1) << 1, seed]
    for who, device in slots:
        out += [who, device]
    return out
def run(i, n): return [b for _ in range(n) for b in step(i)]

U0, U1, ALIAS, UNKNOWN = 0, 1, 2, 3                 # name typed
RIGHT, WRONG, OTHER = 0, 1 << 2, 2 << 2             # password
WRONG_SECRET, ADMIN, NO_CONFIRM = 0x10, 0x20, 0x40
NO_DEVICE, DEV0, DEV1, DEV2, DEV3, BOGUS_DEVICE, DEV0_WRONG_PASSWORD = 0, 1, 2, 3, 4, 5, 6
# Sign-in steps: start, PASSWORD_VERIFIER, Authenticated (3); with a device: start,
# PASSWORD_VERIFIER, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, Authenticated (5).
POOL = {
    # (1) user SRP by alias with a client secret, ConfirmDevice, then device SRP.
    "device-registration-then-device-sign-in":
        setup(True, [(ALIAS | RIGHT, NO_DEVICE), (U0 | RIGHT, DEV0)]) + run(0, 3) + run(1, 5),
    # Same without a client secret, through the Admin… operations.
    "admin-device-sign-in":
        setup(False, [(U1 | RIGHT | ADMIN, NO_DEVICE), (U1 | RIGHT | ADMIN, DEV0)], 7) + run(0, 3) + run(1, 5),
    # (2) a wrong password, another user's password and an unknown name, interleaved with a
    # right sign-in.
    "wrong-passwords-interleaved":
        setup(True, [(U0 | RIGHT, NO_DEVICE), (U1 | WRONG, NO_DEVICE), (ALIAS | OTHER, NO_DEVICE),
                     (UNKNOWN | RIGHT, NO_DEVICE)], 1) + run(0, 1) + run(1, 1) + run(2, 1) + run(3, 1)
        + run(1, 1) + run(0, 1) + run(3, 1) + run(2, 1) + run(2, 1) + run(1, 1) + run(3, 1) + run(0, 1),
    # A wrong client secret, an unknown device, a known device with a wrong device password.
    "wrong-secret-and-bogus-devices":
        setup(True, [(U0 | RIGHT, NO_DEVICE), (U0 | RIGHT | WRONG_SECRET, NO_DEVICE),
                     (U0 | RIGHT, BOGUS_DEVICE), (U0 | RIGHT, DEV0_WRONG_PASSWORD)], 2)
        + run(1, 3) + run(0, 3) + run(2, 5) + run(3, 5),
    # (3) replays: the PASSWORD_VERIFIER and the DEVICE_PASSWORD_VERIFIER that succeeded, at
    # once and after the clock moved, and with the answer fed back. replay(k) re-sends the
    # k-th last request sent: after the first 8 steps 0 = DPV(1), 1 = DEVICE_SRP_AUTH(1),
    # 2 = PV(1), 3 = InitiateAuth(1), 4 = PV(0), 5 = InitiateAuth(0).
    "replay-password-and-device-verifiers":
        setup(True, [(ALIAS | RIGHT, NO_DEVICE), (U0 | RIGHT, DEV0)], 3) + run(0, 3) + run(1, 5)
        + replay(0) + replay(5) + replay(2) + replay(4) + clock(0) + replay(4) + replay(1)
        + step(1) + run(1, 4) + replay(0, True) + replay(1),
    # A mutated copy (no TIMESTAMP) of a pending PASSWORD_VERIFIER, injected first, uses up
    # the exchange: the original and its replay are refused. A PASSWORD_VERIFIER whose
    # SECRET_HASH is over a wrong secret (ignored: this client has none) is authenticated, and
    # its replay refused.
    "replay-before-and-after-refusal":
        setup(False, [(U0 | RIGHT, NO_DEVICE), (U1 | RIGHT, NO_DEVICE)], 4) + run(0, 2) + run(1, 2)
        + mut(0, 5, variant=1, inject=True) + step(0) + replay(0) + mut(1, 3, variant=1) + replay(0)
        + run(1, 1),
    # (4) session swaps between device sign-ins of the same user. Here at DEVICE_SRP_AUTH,
    # devices 0 and 1: the swapped request is refused and uses up the other's exchange.
    "session-swaps-device-sign-ins":
        setup(False, [(U0 | RIGHT, NO_DEVICE), (ALIAS | RIGHT, NO_DEVICE), (U0 | RIGHT, DEV0),
                      (ALIAS | RIGHT, DEV1)], 5) + run(0, 3) + run(1, 3)
        + run(2, 3) + run(3, 3)                      # both wait with DEVICE_SRP_AUTH out
        + mut(2, 0, j=3, inject=True)                # 2's DEVICE_SRP_AUTH with 3's session
        + step(3) + run(2, 2),                       # 3 is refused; 2 signs in
    # At DEVICE_PASSWORD_VERIFIER, both with device 0: a claim checked against the other
    # exchange is refused; then one sign-in's whole request, relayed through another's, is
    # authenticated once, and the original and the replays are refused.
    "session-swaps-same-device":
        setup(True, [(U0 | RIGHT, NO_DEVICE), (U0 | RIGHT, NO_DEVICE), (U0 | RIGHT, DEV0),
                      (ALIAS | RIGHT, DEV0)], 9) + run(0, 3)
        + run(2, 4) + run(3, 4)                      # both have DEVICE_PASSWORD_VERIFIER out
        + mut(2, 0, j=3, inject=True)                # 2's claim against 3's exchange
        + step(3) + run(3, 4)                        # 3 is refused, starts over, DPV out again
        + mut(3, 7, j=2, variant=3)                  # 2's whole request relayed by 3: once
        + step(2) + replay(0) + replay(1, True),
    # Two users' device sign-ins, at DEVICE_PASSWORD_VERIFIER: swapped sessions, a relayed
    # request, a copied signature, a copied DEVICE_KEY.
    "session-swaps-two-users-devices":
        setup(True, [(U0 | RIGHT, NO_DEVICE), (U1 | RIGHT, NO_DEVICE), (U0 | RIGHT, DEV0),
                      (U1 | RIGHT, DEV1)], 6) + run(0, 3) + run(1, 3)
        + run(2, 4) + run(3, 4)                      # both have DEVICE_PASSWORD_VERIFIER out
        + mut(2, 0, j=3, inject=True) + mut(2, 7, j=3, variant=3, inject=True)
        + mut(3, 1, j=2, variant=0, inject=True) + mut(3, 4, j=2, inject=True)
        + step(3) + step(2) + replay(0) + replay(1),
    # Clock jumps: a claim delivered after 400 s, a pending challenge after 30 days, a
    # forgotten device (stale device path).
    "clock-and-forgotten-device":
        setup(True, [(U0 | RIGHT, NO_DEVICE), (U0 | RIGHT, DEV0), (U1 | RIGHT, NO_DEVICE)], 8)
        + run(0, 3) + run(2, 2) + clock(2) + step(2) + step(2) + run(2, 3)
        + run(1, 4) + clock(3) + step(1) + forget(0) + step(1) + run(1, 8),
    # The claim names the user by alias (no client secret): authenticated, for that user.
    "alias-username-in-the-claim":
        setup(False, [(U0 | RIGHT, NO_DEVICE)]) + run(0, 2) + mut(0, 2, variant=2),
}
for name, data in POOL.items():
    d = OUT / "pool_conversations"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(bytes(data))

# pool_json: flags, then messages (sel, len, body); see the header of fuzz_targets/pool_json.rs.
def msg(sel, body):
    body = body.encode()
    assert len(body) <= 255, (len(body), body)
    return [sel, len(body)] + list(body)
INITIATE, ADMIN_INITIATE, RESPOND, ADMIN_RESPOND, OP_LINE = 0, 1, 2, 3, 4
PADDED, OVERSIZED = 0x10, 0x18
SECRET_CLIENT, PUBLIC_CLIENT = "json-fuzz-client", "json-fuzz-public"
def initiate(client, flow, params, extra=""):
    return f'{{"ClientId":"{client}","AuthFlow":"{flow}","AuthParameters":{{{params}}}{extra}}}'
def respond(client, name, responses, session=True):
    s = ',"Session":"$S"' if session else ""
    return f'{{"ClientId":"{client}","ChallengeName":"{name}"{s},"ChallengeResponses":{{{responses}}}}}'
POOL_JSON = {
    "password-then-refresh": [1]
        + msg(INITIATE, initiate(SECRET_CLIENT, "USER_PASSWORD_AUTH",
                                 '"USERNAME":"$E","PASSWORD":"$P","SECRET_HASH":"$h"'))
        + msg(INITIATE, initiate(SECRET_CLIENT, "REFRESH_TOKEN_AUTH",
                                 '"REFRESH_TOKEN":"$R","SECRET_HASH":"$H","DEVICE_KEY":"$D"')),
    "srp-and-a-forged-claim": [0]
        + msg(INITIATE, initiate(PUBLIC_CLIENT, "USER_SRP_AUTH", '"USERNAME":"$U","SRP_A":"$A"'))
        + msg(RESPOND, respond(PUBLIC_CLIENT, "PASSWORD_VERIFIER",
                               '"USERNAME":"$E","PASSWORD_CLAIM_SECRET_BLOCK":"$B",'
                               '"TIMESTAMP":"Fri Jan 15 08:00:00 UTC 2027",'
                               '"PASSWORD_CLAIM_SIGNATURE":"AAAA","DEVICE_KEY":null', False)),
    "email-otp": [0]
        + msg(INITIATE, initiate(PUBLIC_CLIENT, "USER_AUTH",
                                 '"USERNAME":"$E","PREFERRED_CHALLENGE":"EMAIL_OTP"'))
        + msg(RESPOND, respond(PUBLIC_CLIENT, "EMAIL_OTP", '"USERNAME":"$U","EMAIL_OTP_CODE":"$C"')),
    "select-challenge-password": [1]
        + msg(INITIATE, initiate(SECRET_CLIENT, "USER_AUTH", '"USERNAME":"$U","SECRET_HASH":"$H"'))
        + msg(0x20 | RESPOND, respond(SECRET_CLIENT, "SELECT_CHALLENGE",
                                      '"USERNAME":"$U","ANSWER":"PASSWORD","PASSWORD":"$P","SECRET_HASH":"$H"')),
    "admin-nulls-and-malformed": [1]
        + msg(ADMIN_INITIATE, initiate(SECRET_CLIENT, "ADMIN_USER_PASSWORD_AUTH",
                                       '"USERNAME":"$U","PASSWORD":"$P","SECRET_HASH":"$H","DEVICE_KEY":null',
                                       ',"UserPoolId":"us-east-1_JsonFuzz","ContextData":null'))
        + msg(ADMIN_RESPOND, '{"ClientId":null,"ChallengeName":5}')
        + msg(OP_LINE, "GetUser\n{}")
        + msg(RESPOND, '[1,{"a":')
        + msg(OVERSIZED, "{}"),
}
for name, data in POOL_JSON.items():
    d = OUT / "pool_json"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(bytes(data))
