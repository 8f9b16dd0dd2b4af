//! Every shared test vector, checked step by step.
//!
//! Reads every `*.json` file of the `cognito-srp-test-vectors` format in `tests/data/`, or in
//! the folder named by the environment variable `COGNITO_SRP_VECTORS`, and checks every
//! intermediate of every case (A, x, u, S, HKDF key, signature, `SECRET_HASH`, `TIMESTAMP`, and
//! the whole `ChallengeResponses`). One test per kind (`kind::srp_a`, `kind::password_claim`,
//! `kind::device_claim`, `kind::device_verifier`, `kind::secret_hash`, `kind::timestamp`,
//! `kind::divergences`) takes the files whose `kind` field names it, whatever their names; the
//! test `files` checks that every file reads. A mismatch names the case id and the step; all
//! mismatches of a kind are listed before its test fails. Nothing depends on case ids, counts
//! or order.
//!
//! The counts per kind: `cargo test --test vectors -- --show-output`.

// A malformed vector file may panic (it is a test failure), std paths are the natural ones
// here, and tests divide public values only.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::integer_division_remainder_used
)]

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::LazyLock;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use cognito_srp_auth::hazmat::{self, Trace};
use cognito_srp_auth::to_java_bytes_vartime;
use cognito_srp_auth::{
    ClientSecret, DevicePasswordVerifierChallenge, Error, Password, PasswordVerifierChallenge,
    RememberedDevice, Timestamp, UserPoolClient, group, pool_name, secret_hash,
};
use serde_json::Value;

/// Collects mismatches and counts.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    cases: BTreeMap<String, usize>,
    steps: usize,
}

impl Report {
    fn check<T: PartialEq + std::fmt::Debug>(&mut self, case: &str, step: &str, got: T, want: T) {
        self.steps += 1;
        if got != want {
            self.failures.push(format!(
                "{case}: {step} mismatch\n    got:  {got:?}\n    want: {want:?}"
            ));
        }
    }

    fn fail(&mut self, case: &str, step: &str, why: impl std::fmt::Display) {
        self.steps += 1;
        self.failures.push(format!("{case}: {step}: {why}"));
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decode hex of any length (odd length gets a leading zero).
fn unhex(text: &str) -> Vec<u8> {
    let padded = if text.len() % 2 == 1 {
        format!("0{text}")
    } else {
        text.to_owned()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).expect("vector hex"))
        .collect()
}

/// `enc(n)` of an integer given as minimal hex, as lowercase hex.
fn padded(hex_int: &str) -> String {
    hex(&to_java_bytes_vartime(&unhex(hex_int)))
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str()
        .unwrap_or_else(|| panic!("vector field {path:?} is not a string"))
}

fn str_map(v: &Value) -> HashMap<String, String> {
    v.as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_owned()))
        .collect()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339 instant")
        .with_timezone(&Utc)
}

fn check_constants(r: &mut Report, file: &str, doc: &Value) {
    let Some(c) = doc.get("constants") else {
        return;
    };
    r.check(
        file,
        "constants.N",
        s(c, &["N"]).to_owned(),
        cognito_srp_auth::to_minimal_hex_vartime(&group::modulus_bytes()),
    );
    r.check(
        file,
        "constants.g",
        s(c, &["g"]).to_owned(),
        group::generator().to_string(),
    );
    r.check(
        file,
        "constants.k",
        s(c, &["k"]).to_owned(),
        cognito_srp_auth::to_minimal_hex_vartime(&group::multiplier_bytes()),
    );
    if let Some(info) = c.get("hkdf_info_hex").and_then(Value::as_str) {
        r.check(
            file,
            "constants.hkdf_info",
            info.to_owned(),
            format!("{}01", hex(b"Caldera Derived Key")),
        );
    }
}

fn srp_a_case(r: &mut Report, case: &Value) {
    let id = s(case, &["id"]);
    let key = match hazmat::ephemeral_key_from_be_bytes(&unhex(s(case, &["input", "a"]))) {
        Ok(key) => key,
        Err(e) => return r.fail(id, "ephemeral key", e),
    };
    r.check(id, "SRP_A", key.srp_a(), s(case, &["expected", "SRP_A"]));
    r.check(
        id,
        "A_padded",
        padded(key.srp_a()),
        s(case, &["expected", "A_padded"]).to_owned(),
    );
}

fn secret_hash_case(r: &mut Report, case: &Value) {
    let id = s(case, &["id"]);
    let input = &case["input"];
    let got = secret_hash(
        s(input, &["username"]),
        s(input, &["client_id"]),
        &ClientSecret::from(s(input, &["client_secret"])),
    );
    r.check(
        id,
        "SECRET_HASH",
        got.as_str(),
        s(case, &["expected", "SECRET_HASH"]),
    );
}

fn timestamp_case(r: &mut Report, case: &Value) {
    let id = s(case, &["id"]);
    let got = Timestamp::from(instant(s(case, &["input", "now"])));
    r.check(
        id,
        "TIMESTAMP",
        got.as_str(),
        s(case, &["expected", "TIMESTAMP"]),
    );
}

/// What one password claim produced.
struct ClaimRun {
    srp_a: String,
    outcome: Result<(BTreeMap<String, String>, Trace), Error>,
}

/// Run the crate's `PASSWORD_VERIFIER` path on a case's `input` (also used for divergences).
fn run_password_claim(r: &mut Report, id: &str, input: &Value) -> Option<ClaimRun> {
    let params = str_map(&input["challenge_parameters"]);
    let key = match hazmat::ephemeral_key_from_be_bytes(&unhex(s(input, &["a"]))) {
        Ok(key) => key,
        Err(e) => {
            r.fail(id, "ephemeral key", e);
            return None;
        }
    };
    let srp_a = key.srp_a().to_owned();
    let client_id = input
        .get("client_id")
        .and_then(Value::as_str)
        .unwrap_or("vector-client");
    let mut client = match UserPoolClient::new(s(input, &["user_pool_id"]), client_id) {
        Ok(client) => client,
        Err(e) => {
            r.fail(id, "user pool id", e);
            return None;
        }
    };
    if let Some(secret) = input.get("client_secret").and_then(Value::as_str) {
        client = client.with_client_secret(ClientSecret::from(secret));
    }
    // TIMESTAMP: the formatter on the frozen clock, and the string that is signed.
    let timestamp = Timestamp::from(instant(s(input, &["now"])));
    r.check(
        id,
        "TIMESTAMP (from now)",
        timestamp.as_str(),
        s(input, &["timestamp"]),
    );
    let outcome = PasswordVerifierChallenge::try_from(&params).and_then(|challenge| {
        let mut trace = Trace::default();
        let password = Password::from(s(input, &["password"]));
        hazmat::password_verifier_traced(
            key, &client, &challenge, &password, &timestamp, &mut trace,
        )
        .map(|responses| (responses.into(), trace))
    });
    Some(ClaimRun { srp_a, outcome })
}

/// Compare the intermediates that `reference` (a case's `intermediate`, or a divergence's
/// `reference`) carries.
fn check_intermediates(r: &mut Report, id: &str, t: &Trace, reference: &Value) {
    let field = |name: &str| reference.get(name).and_then(Value::as_str);
    if let Some(v) = field("pool_name") {
        // Checked by the caller through `pool_name`.
        let _ = v;
    }
    if let Some(v) = field("identity_hash") {
        r.check(id, "identity_hash", hex(t.identity_hash()), v.to_owned());
    }
    if let Some(v) = field("salt_padded") {
        r.check(id, "salt_padded", hex(t.salt_padded()), v.to_owned());
    }
    if let Some(v) = field("x") {
        r.check(
            id,
            "x",
            cognito_srp_auth::to_minimal_hex_vartime(t.x()),
            v.to_owned(),
        );
    }
    if let Some(v) = field("u") {
        r.check(
            id,
            "u",
            cognito_srp_auth::to_minimal_hex_vartime(t.u()),
            v.to_owned(),
        );
    }
    if let Some(v) = field("u_padded") {
        r.check(id, "u_padded", hex(t.u_padded()), v.to_owned());
    }
    if let Some(v) = field("S") {
        r.check(id, "S (enc)", hex(t.s_padded()), padded(v));
    }
    if let Some(v) = field("hkdf_key") {
        r.check(id, "hkdf_key", hex(t.hkdf_key()), v.to_owned());
    }
    if let Some(lens) = reference.get("padded_len").and_then(Value::as_object) {
        let have: [(&str, usize); 3] = [
            ("u", t.u_padded().len()),
            ("S", t.s_padded().len()),
            ("salt", t.salt_padded().len()),
        ];
        for (name, len) in have {
            if let Some(want) = lens.get(name).and_then(Value::as_u64) {
                r.check(id, &format!("padded_len.{name}"), len as u64, want);
            }
        }
    }
}

/// The vector's `server` fields on this crate's server side: from `b` and `v` it must
/// reproduce `SRP_B` and accept the expected signature (feature `server`).
fn check_server(r: &mut Report, id: &str, case: &Value, realm: &str, identity: &str) {
    let Some(server) = case.get("server").filter(|s| s.is_object()) else {
        return;
    };
    let input = &case["input"];
    let params = &input["challenge_parameters"];
    let salt = params["SALT"].as_str().unwrap_or_default();
    let salt_enc = if let Some(neg) = salt.strip_prefix('-') {
        // Not in the pass/fail sets; the divergences carry no server side.
        let _ = neg;
        return;
    } else {
        to_java_bytes_vartime(&unhex(salt))
    };
    let block = match base64::engine::general_purpose::STANDARD.decode(s(params, &["SECRET_BLOCK"]))
    {
        Ok(block) => block,
        Err(e) => return r.fail(id, "server: SECRET_BLOCK", e),
    };
    let srp = hazmat::server_srp_from_parts(
        realm,
        identity,
        &salt_enc,
        &unhex(s(server, &["v"])),
        &unhex(s(server, &["b"])),
        s(case, &["expected", "SRP_A"]),
        &block,
    );
    let srp = match srp {
        Ok(srp) => srp,
        Err(e) => return r.fail(id, "server: exchange", e),
    };
    r.check(
        id,
        "server: SRP_B from b and v",
        srp.srp_b().to_owned(),
        s(params, &["SRP_B"]).trim_start_matches('0').to_lowercase(),
    );
    let expected = str_map(&case["expected"]);
    let verdict = srp.verify(
        |k| expected.get(k).map(String::as_str),
        instant(s(input, &["now"])),
    );
    r.check(id, "server: the claim verifies", verdict, Ok(()));
}

fn password_claim_case(r: &mut Report, case: &Value) {
    let id = s(case, &["id"]);
    let input = &case["input"];
    let Some(run) = run_password_claim(r, id, input) else {
        return;
    };
    let expected = &case["expected"];
    r.check(id, "SRP_A", run.srp_a.as_str(), s(expected, &["SRP_A"]));
    if let Some(want) = case["intermediate"]["padded_len"]
        .get("A")
        .and_then(Value::as_u64)
    {
        r.check(
            id,
            "padded_len.A",
            to_java_bytes_vartime(&unhex(&run.srp_a)).len() as u64,
            want,
        );
    }
    if let Some(want) = case["intermediate"]["padded_len"]
        .get("B")
        .and_then(Value::as_u64)
    {
        let b = s(input, &["challenge_parameters", "SRP_B"]);
        r.check(
            id,
            "padded_len.B",
            to_java_bytes_vartime(&unhex(b)).len() as u64,
            want,
        );
    }
    if let Some(want) = case["intermediate"]
        .get("pool_name")
        .and_then(Value::as_str)
    {
        r.check(
            id,
            "pool_name",
            pool_name(s(input, &["user_pool_id"])),
            Ok(want),
        );
    }
    let realm = pool_name(s(input, &["user_pool_id"])).unwrap_or_default();
    check_server(
        r,
        id,
        case,
        realm,
        s(input, &["challenge_parameters", "USER_ID_FOR_SRP"]),
    );
    let (responses, trace) = match run.outcome {
        Ok(done) => done,
        Err(e) => return r.fail(id, "PASSWORD_VERIFIER answer", e),
    };
    check_intermediates(r, id, &trace, &case["intermediate"]);
    // The whole ChallengeResponses: exactly the expected keys (SRP_A goes to InitiateAuth).
    let mut want: BTreeMap<String, String> = str_map(expected).into_iter().collect();
    want.remove("SRP_A");
    if let Some(secret) = input.get("client_secret").and_then(Value::as_str) {
        let username = s(expected, &["USERNAME"]);
        let client_id = s(input, &["client_id"]);
        want.insert(
            "SECRET_HASH".into(),
            secret_hash(username, client_id, &ClientSecret::from(secret)),
        );
    }
    r.check(id, "ChallengeResponses", responses, want);
}

fn device_verifier_case(r: &mut Report, case: &Value) {
    let id = s(case, &["id"]);
    let input = &case["input"];
    let password: [u8; 40] = unhex(s(input, &["password_random_hex"]))
        .try_into()
        .expect("40 bytes");
    let salt: [u8; 16] = unhex(s(input, &["salt_random_hex"]))
        .try_into()
        .expect("16 bytes");
    let mut trace = Trace::default();
    let registered = hazmat::register_device_from_bytes(
        s(input, &["device_key"]),
        s(input, &["device_group_key"]),
        &password,
        &salt,
        &mut trace,
    );
    let (device, config) = match registered {
        Ok(done) => done,
        Err(e) => return r.fail(id, "device registration", e),
    };
    let inter = &case["intermediate"];
    r.check(
        id,
        "identity_hash",
        hex(trace.identity_hash()),
        s(inter, &["identity_hash"]).to_owned(),
    );
    r.check(
        id,
        "salt_padded",
        hex(trace.salt_padded()),
        s(inter, &["salt_padded"]).to_owned(),
    );
    r.check(
        id,
        "salt_padded = enc(salt)",
        hex(trace.salt_padded()),
        padded(s(inter, &["salt"])),
    );
    r.check(
        id,
        "x",
        cognito_srp_auth::to_minimal_hex_vartime(trace.x()),
        s(inter, &["x"]).to_owned(),
    );
    r.check(
        id,
        "v (enc)",
        hex(trace.verifier_padded()),
        padded(s(inter, &["v"])),
    );
    if let Some(lens) = inter.get("padded_len") {
        r.check(
            id,
            "padded_len.salt",
            trace.salt_padded().len() as u64,
            lens["salt"].as_u64().unwrap_or(0),
        );
        r.check(
            id,
            "padded_len.v",
            trace.verifier_padded().len() as u64,
            lens["v"].as_u64().unwrap_or(0),
        );
    }
    let expected = &case["expected"];
    let stored = device.to_storage_string();
    r.check(
        id,
        "DeviceRandomPassword",
        stored.rsplit(' ').next(),
        Some(s(expected, &["DeviceRandomPassword"])),
    );
    r.check(
        id,
        "DeviceKey",
        device.device_key(),
        s(input, &["device_key"]),
    );
    let cfg = &expected["DeviceSecretVerifierConfig"];
    r.check(
        id,
        "DeviceSecretVerifierConfig.Salt",
        config.salt(),
        s(cfg, &["Salt"]),
    );
    r.check(
        id,
        "DeviceSecretVerifierConfig.PasswordVerifier",
        config.password_verifier(),
        s(cfg, &["PasswordVerifier"]),
    );
}

/// What one device claim produced.
struct DeviceRun {
    srp_a: String,
    device_srp_auth: BTreeMap<String, String>,
    outcome: Result<(BTreeMap<String, String>, Trace), Error>,
}

/// Run `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER` on a case's `input`.
fn run_device_claim(r: &mut Report, id: &str, input: &Value) -> Option<DeviceRun> {
    let params = str_map(&input["challenge_parameters"]);
    let key = match hazmat::ephemeral_key_from_be_bytes(&unhex(s(input, &["a"]))) {
        Ok(key) => key,
        Err(e) => {
            r.fail(id, "ephemeral key", e);
            return None;
        }
    };
    let device = match RememberedDevice::new(
        s(input, &["device_key"]),
        s(input, &["device_group_key"]),
        Password::from(s(input, &["device_password"])),
    ) {
        Ok(device) => device,
        Err(e) => {
            r.fail(id, "remembered device", e);
            return None;
        }
    };
    // Stored and loaded back, as an application does between sign-ins.
    let device = match RememberedDevice::from_storage_string(&device.to_storage_string()) {
        Ok(device) => device,
        Err(e) => {
            r.fail(id, "device storage round trip", e);
            return None;
        }
    };
    let client = UserPoolClient::new("us-east-1_DeviceVectors", "vector-client").expect("pool id");
    let timestamp = Timestamp::from(instant(s(input, &["now"])));
    r.check(
        id,
        "TIMESTAMP (from now)",
        timestamp.as_str(),
        s(input, &["timestamp"]),
    );
    let srp_a = key.srp_a().to_owned();
    let device_srp_auth = key
        .device_srp_auth(&client, &device, s(input, &["username"]))
        .into();
    let outcome = DevicePasswordVerifierChallenge::try_from(&params).and_then(|challenge| {
        let mut trace = Trace::default();
        hazmat::device_password_verifier_traced(
            key, &client, &device, &challenge, &timestamp, &mut trace,
        )
        .map(|responses| (responses.into(), trace))
    });
    Some(DeviceRun {
        srp_a,
        device_srp_auth,
        outcome,
    })
}

fn device_claim_case(r: &mut Report, case: &Value) {
    let id = s(case, &["id"]);
    let input = &case["input"];
    let Some(run) = run_device_claim(r, id, input) else {
        return;
    };
    let expected = &case["expected"];
    r.check(id, "SRP_A", run.srp_a.as_str(), s(expected, &["SRP_A"]));
    let want_auth: BTreeMap<String, String> = [
        ("USERNAME", s(input, &["username"])),
        ("DEVICE_KEY", s(input, &["device_key"])),
        ("SRP_A", s(expected, &["SRP_A"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    r.check(
        id,
        "DEVICE_SRP_AUTH ChallengeResponses",
        run.device_srp_auth,
        want_auth,
    );
    check_server(
        r,
        id,
        case,
        s(input, &["device_group_key"]),
        s(input, &["device_key"]),
    );
    let (responses, trace) = match run.outcome {
        Ok(done) => done,
        Err(e) => return r.fail(id, "DEVICE_PASSWORD_VERIFIER answer", e),
    };
    check_intermediates(r, id, &trace, &case["intermediate"]);
    let mut want: BTreeMap<String, String> = str_map(expected).into_iter().collect();
    want.remove("SRP_A");
    r.check(
        id,
        "DEVICE_PASSWORD_VERIFIER ChallengeResponses",
        responses,
        want,
    );
}

/// The crate's decisions where the reference clients disagree, tested on `divergences.json`: classified by content, not by id.
fn divergence_case(
    r: &mut Report,
    case: &Value,
    decisions: &mut BTreeMap<&'static str, usize>,
) -> bool {
    let id = s(case, &["id"]);
    let input = &case["input"];
    let reference = &case["reference"];
    match s(case, &["kind"]) {
        "password_claim" => {}
        "device_claim" => {
            // The device flow with the same SALT questions: the reference column.
            let Some(run) = run_device_claim(r, id, input) else {
                return true;
            };
            r.check(id, "SRP_A", run.srp_a.as_str(), s(reference, &["SRP_A"]));
            match run.outcome {
                Ok((responses, trace)) => {
                    check_intermediates(r, id, &trace, reference);
                    r.check(
                        id,
                        "PASSWORD_CLAIM_SIGNATURE (reference column)",
                        responses
                            .get("PASSWORD_CLAIM_SIGNATURE")
                            .map(String::as_str),
                        Some(s(reference, &["PASSWORD_CLAIM_SIGNATURE"])),
                    );
                }
                Err(e) => r.fail(id, "DEVICE_PASSWORD_VERIFIER answer", e),
            }
            *decisions
                .entry("device SALT with redundant 00 -> parse, then enc")
                .or_default() += 1;
            return true;
        }
        _ => return false,
    }
    let Some(run) = run_password_claim(r, id, input) else {
        return true;
    };
    r.check(id, "SRP_A", run.srp_a.as_str(), s(reference, &["SRP_A"]));
    let params = str_map(&input["challenge_parameters"]);
    let b = unhex(&params["SRP_B"]);
    let n = group::modulus_bytes();
    let b_is_zero_mod_n =
        b.iter().all(|&x| x == 0) || to_java_bytes_vartime(&b) == to_java_bytes_vartime(&n);
    if b_is_zero_mod_n {
        // SRP_B ≡ 0 (mod N): abort with a typed error before any secret-dependent work.
        r.check(
            id,
            "SRP_B ≡ 0 mod N is refused",
            run.outcome.err(),
            Some(Error::IllegalServerB),
        );
        *decisions
            .entry("SRP_B = 0 mod N -> Error::IllegalServerB")
            .or_default() += 1;
        return true;
    }
    let (responses, trace) = match run.outcome {
        Ok(done) => done,
        Err(e) => {
            r.fail(id, "PASSWORD_VERIFIER answer", e);
            return true;
        }
    };
    // SALT / negative SALT: the signature and intermediates of the reference column.
    check_intermediates(r, id, &trace, reference);
    r.check(
        id,
        "PASSWORD_CLAIM_SIGNATURE (reference column)",
        responses
            .get("PASSWORD_CLAIM_SIGNATURE")
            .map(String::as_str),
        Some(s(reference, &["PASSWORD_CLAIM_SIGNATURE"])),
    );
    let salt = &params["SALT"];
    if salt.starts_with('-') {
        *decisions
            .entry("negative SALT -> two's complement, signed (Amplify JS)")
            .or_default() += 1;
    } else if salt.starts_with("00") {
        *decisions
            .entry("redundant 00 in SALT -> parse, then enc (official SDKs)")
            .or_default() += 1;
    }
    // USERNAME: the challenge's USERNAME (Android, .NET, Go, pycognito), not USER_ID_FOR_SRP.
    let challenge_username = params.get("USERNAME").unwrap_or(&params["USER_ID_FOR_SRP"]);
    r.check(
        id,
        "USERNAME = challenge USERNAME",
        responses.get("USERNAME"),
        Some(challenge_username),
    );
    if params.get("USERNAME") != params.get("USER_ID_FOR_SRP") {
        *decisions
            .entry("USERNAME != USER_ID_FOR_SRP -> respond with challenge USERNAME")
            .or_default() += 1;
        if let Some(outcomes) = case["outcomes"]["USERNAME"].as_array() {
            let ours = outcomes
                .iter()
                .find(|o| o["value"].as_str() == Some(challenge_username.as_str()));
            let peers = ours.map(|o| o["peers"].to_string()).unwrap_or_default();
            r.check(
                id,
                "USERNAME outcome is pycognito's",
                peers.contains("pycognito"),
                true,
            );
        }
    }
    // SECRET_HASH: over the challenge's USERNAME in the response, over the typed name in
    // InitiateAuth.
    if let Some(secret) = input.get("client_secret").and_then(Value::as_str) {
        let secret = ClientSecret::from(secret);
        let client_id = s(input, &["client_id"]);
        r.check(
            id,
            "SECRET_HASH in PASSWORD_VERIFIER (internal name)",
            responses.get("SECRET_HASH").map(String::as_str),
            Some(s(reference, &["SECRET_HASH(USERNAME from challenge)"])),
        );
        if let Some(initiate) = case["outcomes"]["InitiateAuth.SECRET_HASH"][0]["value"].as_str() {
            r.check(
                id,
                "SECRET_HASH in InitiateAuth (typed name)",
                secret_hash(s(input, &["username"]), client_id, &secret).as_str(),
                initiate,
            );
        }
        *decisions
            .entry("client secret + alias -> SECRET_HASH over internal name")
            .or_default() += 1;
    }
    true
}

/// The folder of vector files, read once for all the tests of this binary.
struct Folder {
    dir: PathBuf,
    /// Named by `COGNITO_SRP_VECTORS` (not the crate's own `tests/data/`).
    from_env: bool,
    /// Every `*.json` file, sorted by name: its document, or why it could not be read.
    files: Vec<(String, Result<Value, String>)>,
}

fn vectors_dir() -> (PathBuf, bool) {
    match std::env::var_os("COGNITO_SRP_VECTORS") {
        Some(dir) => (PathBuf::from(dir), true),
        None => (
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")),
            false,
        ),
    }
}

static FOLDER: LazyLock<Result<Folder, String>> = LazyLock::new(|| {
    let (dir, from_env) = vectors_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let files = files
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let doc = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()));
            (name, doc)
        })
        .collect();
    Ok(Folder {
        dir,
        from_env,
        files,
    })
});

fn folder() -> &'static Folder {
    match &*FOLDER {
        Ok(folder) => folder,
        Err(e) => panic!("{e}"),
    }
}

/// The readable vector documents (format `cognito-srp-test-vectors`) of the folder, with their
/// file names.
fn documents() -> impl Iterator<Item = (&'static str, &'static Value)> {
    folder()
        .files
        .iter()
        .filter_map(|(name, doc)| Some((name.as_str(), doc.as_ref().ok()?)))
        .filter(|(_, doc)| doc["format"] == "cognito-srp-test-vectors")
}

/// The documents of one `kind` (the file's `kind` field, whatever the file's name).
fn documents_of(kind: &str) -> impl Iterator<Item = (&'static str, &'static Value)> {
    documents().filter(move |(_, doc)| doc["kind"].as_str().unwrap_or_default() == kind)
}

fn cases(doc: &Value) -> Vec<Value> {
    doc["cases"].as_array().cloned().unwrap_or_default()
}

/// The inner kinds of `divergences.json` that [`divergence_case`] checks.
const DIVERGENCE_KINDS: [&str; 2] = ["password_claim", "device_claim"];

/// Print the counts, check that the crate's own folder has a case of each `required` kind, and
/// fail with every mismatch (each names its case id and step).
fn finish(
    mut r: Report,
    skipped: &BTreeMap<String, usize>,
    decisions: &BTreeMap<&'static str, usize>,
    required: &[&str],
) {
    let folder = folder();
    println!("test vectors from {}", folder.dir.display());
    for (kind, n) in &r.cases {
        println!("  {kind:<28} {n:>4} cases checked");
    }
    for (kind, n) in skipped {
        println!("  {kind:<28} {n:>4} cases not checked by this crate yet");
    }
    for (decision, n) in decisions {
        println!("  decision: {decision} ({n})");
    }
    if r.cases.is_empty() && skipped.is_empty() {
        println!("  no case of this kind in this folder");
    }
    // The crate's own folder must exercise every kind this crate implements.
    if !folder.from_env {
        for kind in required {
            if !r.cases.contains_key(*kind) {
                r.fail(kind, "coverage", "no case of this kind in tests/data");
            }
        }
    }
    for failure in &r.failures {
        println!("FAIL {failure}");
    }
    let total: usize = r.cases.values().sum();
    println!("  {} steps compared", r.steps);
    let failed_cases: std::collections::BTreeSet<&str> = r
        .failures
        .iter()
        .filter_map(|f| f.split(':').next())
        .collect();
    println!(
        "vectors: {} passed, {} failed",
        total.saturating_sub(failed_cases.len()),
        failed_cases.len()
    );
    assert!(
        r.failures.is_empty(),
        "mismatches: {} in {} cases\n{}",
        r.failures.len(),
        failed_cases.len(),
        r.failures.join("\n")
    );
}

/// Every case of every file of `kind`, each checked by `check`.
fn check_kind(kind: &str, check: fn(&mut Report, &Value), required: &[&str]) {
    let mut r = Report::default();
    for (name, doc) in documents_of(kind) {
        check_constants(&mut r, name, doc);
        for case in &cases(doc) {
            check(&mut r, case);
            *r.cases.entry(kind.to_owned()).or_default() += 1;
        }
    }
    finish(r, &BTreeMap::new(), &BTreeMap::new(), required);
}

/// One test per kind of vector file. A kind with no file in the folder passes with no case
/// checked, except in the crate's own `tests/data/`, which must hold the kinds marked required.
mod kind {
    use super::*;

    #[test]
    fn srp_a() {
        check_kind("srp_a", srp_a_case, &["srp_a"]);
    }

    #[test]
    fn password_claim() {
        check_kind("password_claim", password_claim_case, &["password_claim"]);
    }

    #[test]
    fn secret_hash() {
        check_kind("secret_hash", secret_hash_case, &["secret_hash"]);
    }

    #[test]
    fn timestamp() {
        check_kind("timestamp", timestamp_case, &["timestamp"]);
    }

    #[test]
    fn device_verifier() {
        check_kind("device_verifier", device_verifier_case, &[]);
    }

    #[test]
    fn device_claim() {
        check_kind("device_claim", device_claim_case, &[]);
    }

    /// The crate's decisions where the reference clients disagree, on every case of `divergences` whose `kind` this crate
    /// implements (the others are counted as not checked).
    #[test]
    fn divergences() {
        let mut r = Report::default();
        let mut decisions: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        for (name, doc) in documents_of("divergences") {
            check_constants(&mut r, name, doc);
            for case in &cases(doc) {
                let checked = divergence_case(&mut r, case, &mut decisions);
                let kind_name = format!("divergences/{}", s(case, &["kind"]));
                *(if checked {
                    r.cases.entry(kind_name)
                } else {
                    skipped.entry(kind_name)
                })
                .or_default() += 1;
            }
        }
        finish(r, &skipped, &decisions, &["divergences/password_claim"]);
    }
}

/// The folder itself: every `*.json` file reads as JSON, and at least one case of a kind this
/// crate checks is found. Files of other kinds are listed as not checked.
#[test]
fn files() {
    // The kinds that the tests of `kind` check (of `divergences`, the inner kinds in
    // `DIVERGENCE_KINDS`).
    const CHECKED: [&str; 6] = [
        "srp_a",
        "password_claim",
        "secret_hash",
        "timestamp",
        "device_verifier",
        "device_claim",
    ];
    let folder = folder();
    let mut r = Report::default();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for (name, doc) in &folder.files {
        if let Err(e) = doc {
            r.fail(name, "read", e);
        }
    }
    for (_, doc) in documents() {
        let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
        for case in &cases(doc) {
            let (kind_name, checked) = if kind == "divergences" {
                let inner = s(case, &["kind"]);
                (
                    format!("divergences/{inner}"),
                    DIVERGENCE_KINDS.contains(&inner),
                )
            } else {
                (kind.clone(), CHECKED.contains(&kind.as_str()))
            };
            *(if checked {
                r.cases.entry(kind_name)
            } else {
                skipped.entry(kind_name)
            })
            .or_default() += 1;
        }
    }
    if r.cases.is_empty() {
        r.fail(
            &folder.dir.display().to_string(),
            "coverage",
            "no vector file found",
        );
    }
    println!("test vectors from {}", folder.dir.display());
    for (kind, n) in &r.cases {
        println!("  {kind:<28} {n:>4} cases found");
    }
    for (kind, n) in &skipped {
        println!("  {kind:<28} {n:>4} cases not checked by this crate yet");
    }
    for failure in &r.failures {
        println!("FAIL {failure}");
    }
    assert!(r.failures.is_empty(), "{}", r.failures.join("\n"));
}
