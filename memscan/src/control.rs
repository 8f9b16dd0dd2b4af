//! `memscan control`: deliberate leaks, each of which the scanner must report, and one wiped
//! copy, which it must not. The leaks use the same registration code as `check` and the same
//! in-memory forms the library uses (a crypto-bigint `U3072`, a `FixedMontyForm`), so they
//! also prove that the limb and Montgomery patterns describe real memory.

use core::hint::black_box;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};
use num_bigint::BigUint;
use zeroize::{Zeroize as _, Zeroizing};

use crate::oracle;
use crate::rng::{EPHEMERAL_BYTES, Recorder, Role};
use crate::scanner;
use crate::scenarios::{DEVICE_GROUP_KEY, DEVICE_KEY, PASSWORD, armed};
use crate::secrets::{self, Kind};

/// One control: what it leaks, the `(secret, form)` the scanner must name (`None`: it must
/// report nothing), and the body (registers, then leaks while armed).
pub struct Control {
    /// What is leaked.
    pub name: &'static str,
    /// The label the hit must carry, or `None` for a wiped copy that must not be reported.
    pub expect: Option<(&'static str, &'static str)>,
    /// Registers the secret and leaks it.
    pub run: fn() -> Result<(), String>,
}

/// The controls, in order.
pub const CONTROLS: &[Control] = &[
    Control {
        name: "String::from(password) dropped unwiped",
        expect: Some(("user password", "UTF-8")),
        run: password_string,
    },
    Control {
        name: "Box<[u8; 64]> holding a, freed unwiped",
        expect: Some(("a", "drawn bytes (BE)")),
        run: boxed_a_bytes,
    },
    Control {
        name: "Box<U3072> holding a (crypto-bigint limbs), freed unwiped",
        expect: Some(("a", "U3072 limbs (LE)")),
        run: boxed_a_limbs,
    },
    Control {
        name: "Box<FixedMontyForm> holding v (Montgomery form), freed unwiped",
        expect: Some(("v (user)", "Montgomery limbs (LE)")),
        run: boxed_v_monty,
    },
    Control {
        name: "Vec<u8> holding S grown by realloc (old block left unwiped)",
        expect: Some(("S", "BE, 384 bytes")),
        run: realloc_s,
    },
    Control {
        name: "device verifier text (String) dropped unwiped",
        expect: Some(("device verifier", "base64 text")),
        run: device_verifier_text,
    },
    Control {
        name: "Box<[u8; 16]> holding the session key, freed unwiped",
        expect: Some(("session key", "16 bytes")),
        run: boxed_session_key,
    },
    Control {
        name: "[u8; 40] of a device password moved out of its Box (the box freed unwiped)",
        expect: Some(("device password", "drawn bytes")),
        run: moved_out_of_box,
    },
    Control {
        name: "String copy of a six-digit EMAIL_OTP code dropped unwiped (a 6-byte pattern)",
        expect: Some(("EMAIL_OTP code", "UTF-8")),
        run: six_digit_code,
    },
    Control {
        name: "Zeroizing<String> copy of the password (wiped: must NOT be reported)",
        expect: None,
        run: wiped_password,
    },
];

fn password_string() -> Result<(), String> {
    secrets::text("user password", 1, PASSWORD)?;
    armed(|| drop(black_box(String::from(PASSWORD))));
    Ok(())
}

/// `a` drawn from a recording RNG (registered as the library's would be).
fn drawn_a() -> Result<[u8; EPHEMERAL_BYTES], String> {
    let rng = Recorder::new(Role::Client, 0xc0de_0001);
    let mut a = [0u8; EPHEMERAL_BYTES];
    rng.draw(&mut a);
    rng.error()?;
    Ok(a)
}

fn boxed_a_bytes() -> Result<(), String> {
    let a = drawn_a()?;
    armed(|| drop(black_box(Box::new(a))));
    Ok(())
}

fn u3072(be: &[u8]) -> U3072 {
    let mut padded = [0u8; 384];
    for (dst, src) in padded.iter_mut().rev().zip(be.iter().rev()) {
        *dst = *src;
    }
    U3072::from_be_slice(&padded)
}

fn boxed_a_limbs() -> Result<(), String> {
    let a = drawn_a()?;
    armed(|| drop(black_box(Box::new(u3072(&a)))));
    Ok(())
}

fn boxed_v_monty() -> Result<(), String> {
    let salt = secrets::salt_enc(b"control-salt-16b");
    let v = secrets::verifier(Kind::User, 1, "MemScan42", "control-user", PASSWORD, &salt)?;
    let modulus = Odd::new(u3072(&oracle::n().to_bytes_be()))
        .into_option()
        .ok_or("N is odd")?;
    let params = FixedMontyParams::new_vartime(modulus);
    let v = u3072(&v.to_bytes_be());
    armed(|| drop(black_box(Box::new(FixedMontyForm::new(&v, &params)))));
    Ok(())
}

fn realloc_s() -> Result<(), String> {
    // Any secret 3072-bit value will do: registered as an `S` would be.
    let s =
        (oracle::g().modpow(&BigUint::from(0x5eed_5eed_u64), &oracle::n()) << 7u32) % oracle::n();
    secrets::int3072("S", 1, &s)?;
    let be = secrets::be_padded(&s, 384);
    armed(|| {
        let mut buffer: Vec<u8> = Vec::with_capacity(be.len());
        buffer.extend_from_slice(black_box(&be));
        // Full: this push reallocates, and the old block keeps S.
        buffer.push(0);
        black_box(&mut buffer);
        // The new block is wiped, so only the realloc's old block can be reported.
        buffer.zeroize();
    });
    drop(be);
    Ok(())
}

fn device_verifier_text() -> Result<(), String> {
    let salt = secrets::salt_enc(b"device-salt-16by");
    let v = secrets::verifier(
        Kind::Device,
        1,
        DEVICE_GROUP_KEY,
        DEVICE_KEY,
        "ZGV2aWNlLXBhc3N3b3Jk",
        &salt,
    )?;
    let text = scanner::disarmed(|| secrets::verifier_text(&v));
    armed(|| drop(black_box(text)));
    Ok(())
}

fn boxed_session_key() -> Result<(), String> {
    let key: [u8; 16] = *b"\x13session\xa7key\x00\x42!?";
    secrets::form("session key", 1, "16 bytes", &key)?;
    armed(|| drop(black_box(Box::new(key))));
    Ok(())
}

fn moved_out_of_box() -> Result<(), String> {
    let rng = Recorder::new(Role::Client, 0xc0de_0002);
    let mut drawn = [0u8; 40];
    rng.draw(&mut drawn);
    rng.error()?;
    armed(|| {
        let boxed = black_box(Box::new(drawn));
        // The move copies the bytes out and frees the box's block as it is: unwiped.
        let mut moved: [u8; 40] = *boxed;
        black_box(&mut moved);
        moved.zeroize();
    });
    drawn.zeroize();
    Ok(())
}

fn six_digit_code() -> Result<(), String> {
    const CODE: &str = "480317";
    secrets::text("EMAIL_OTP code", 1, CODE)?;
    armed(|| drop(black_box(String::from(CODE))));
    Ok(())
}

fn wiped_password() -> Result<(), String> {
    secrets::text("user password", 1, PASSWORD)?;
    armed(|| drop(black_box(Zeroizing::new(String::from(PASSWORD)))));
    Ok(())
}
