#!/usr/bin/env bash
# Constant-time check of cognito-srp-auth under valgrind memcheck ("ctgrind"): run from a clone
# as `bash .ci/ctgrind.sh`. Builds ct/ (its own workspace, release with debug info), then
#
#   1. the check:   `ct check` marks every secret undefined and runs the raw g^a
#                   (hazmat::pow_g_1024), A = g^a, a whole user sign-in (client and server) and a
#                   device registration and sign-in (the device verifier secret until the server
#                   has checked it); memcheck must report no error at all. There is no
#                   suppression file: the crate declassifies, at its own declassification points
#                   (src/declassify.rs, active through its internal `ctgrind` feature), exactly
#                   what the protocol publishes and each verdict before its branch;
#   2. the control: `ct control` runs num-bigint's variable-time modpow on a secret exponent,
#                   and a public-only encoder of the crate on a secret outside any
#                   declassification point; memcheck must report errors for both, which shows
#                   that the harness does not hide leaks.
#
# Prints one verdict line for each and exits non-zero if either expectation fails.
# Installs valgrind and libclang-dev (for crabgrind's bindgen) with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

out=ct/target/ctgrind

# --- tools ------------------------------------------------------------------------------------
missing=()
command -v valgrind >/dev/null 2>&1 && [ -f /usr/include/valgrind/memcheck.h ] || missing+=(valgrind)
dpkg-query -W -f='${Status}' libclang-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libclang-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ctgrind: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- build ------------------------------------------------------------------------------------
cargo build --release --manifest-path ct/Cargo.toml --bin ct
bin=ct/target/release/ct
mkdir -p "$out"

vg=(valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes --num-callers=40
  --read-inline-info=yes --show-error-list=yes)

errors() { sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$1" | tail -n 1; }
show_errors() {
  echo "---- unsuppressed memcheck errors ($1), first 80 lines:"
  grep -E '^==[0-9]+== (Conditional jump|Use of uninitialised|Uninitialised value was created|Invalid|   (at|by) 0x)' "$1" \
    | grep -vE 'std::rt::|core::ops::function|panicking|lang_start|__rust_begin' | head -n 80 || true
  echo "---- full log: $1"
}

status=0

# --- 1. the check -----------------------------------------------------------------------------
check_log=$out/check.log
set +e
"${vg[@]}" --log-file="$check_log" "$bin" check
check_rc=$?
set -e
check_errors=$(errors "$check_log")
# The crate's declassification points (src/declassify.rs): call sites counted in the source
# (outside declassify.rs itself, where `verdict` calls `declassify`).
in_crate=$({ grep -rhE '\b(declassify|verdict)\(' src --include='*.rs' --exclude=declassify.rs | grep -vE '^[[:space:]]*//|fn ' || true; } | wc -l)
if [ "$check_rc" -eq 0 ] && [ "${check_errors:-x}" = 0 ]; then
  echo "ctgrind check: PASS: memcheck reported 0 errors in the crate's secret computations" \
    "(no suppression file; $in_crate in-crate declassification points)"
else
  echo "ctgrind check: FAIL: memcheck reported ${check_errors:-?} errors (exit $check_rc)"
  show_errors "$check_log"
  status=1
fi

# --- 2. the control ---------------------------------------------------------------------------
control_log=$out/control.log
set +e
control_out=$("${vg[@]}" --log-file="$control_log" "$bin" control)
control_rc=$?
set -e
control_errors=$(errors "$control_log")
seen=$(printf '%s\n' "$control_out" | awk '$1 == "control" { printf "%s%s: %s", sep, substr($0, index($0, $3)), $2; sep = ", " }')
blind=$(printf '%s\n' "$control_out" | awk '$1 == "control" && $2 == 0 { print substr($0, index($0, $3)) }')
runs=$(printf '%s\n' "$control_out" | grep -c '^control ' || true)
if [ "$control_rc" -eq 1 ] && [ "${control_errors:-0}" -gt 0 ] && [ -z "$blind" ] && [ "$runs" -eq 2 ]; then
  echo "ctgrind control: PASS: memcheck reported ${control_errors} errors, as it must ($seen)"
else
  echo "ctgrind control: FAIL: expected memcheck errors from every control, got exit $control_rc," \
    "${control_errors:-?} errors (${seen:-no control output})"
  status=1
fi

exit "$status"
