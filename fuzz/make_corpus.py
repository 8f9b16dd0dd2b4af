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
