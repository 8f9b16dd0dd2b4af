#!/usr/bin/env bash
# Constant-time check of cognito-srp-auth under valgrind memcheck ("ctgrind"): run from a clone
# as `bash .ci/ctgrind.sh`. Builds ct/ (its own workspace, release with debug info), then
#
#   1. the check:   `ct check` marks every secret undefined and runs the raw g^a
#                   (hazmat::pow_g_1024), A = g^a, a whole user sign-in (client and server) and a
#                   device registration and sign-in; memcheck must report no error beyond the
#                   declassification points listed in ct/declassified.supp.in (exact
#                   suppressions, and the crate's own `declassify` calls, active through its
#                   internal `ctgrind` feature);
#   2. the control: `ct control` runs num-bigint's variable-time modpow on a secret exponent,
#                   and a public-only encoder of the crate on a secret outside any
#                   declassification point; memcheck must report errors for both, which shows
#                   that the harness and the suppressions do not hide leaks.
#
# Prints one verdict line for each and exits non-zero if either expectation fails. There is no
# list of tolerated findings any more (ct/known-leaks.supp.in is gone): CT_STRICT, which used to
# leave that list out, is ignored.
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

# --- suppressions: `src:FILE:<<TEXT>>` -> `src:FILE:LINE` ---------------------------------------
# TEXT must occur on exactly one line of the one file named FILE under src/; otherwise the code
# of a declassification point changed and its entry must be reviewed.
resolve_supp() {
  local in=$1 dest=$2 line file text hits n
  local -a path
  : >"$dest"
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^([[:space:]]*)src:([^:]+):\<\<(.*)\>\>[[:space:]]*$ ]]; then
      file=${BASH_REMATCH[2]}
      text=${BASH_REMATCH[3]}
      mapfile -t path < <(find src -name "$file" -type f)
      if [ "${#path[@]}" -ne 1 ]; then
        echo "ctgrind: $in: '$file' names ${#path[@]} files under src/" >&2
        return 1
      fi
      hits=$(grep -nF -- "$text" "${path[0]}" | cut -d: -f1 || true)
      n=$(printf '%s' "$hits" | grep -c . || true)
      if [ "$n" -ne 1 ]; then
        echo "ctgrind: $in: a declassification point is on $n lines of ${path[0]}, not 1: $text" >&2
        return 1
      fi
      printf '%ssrc:%s:%s\n' "${BASH_REMATCH[1]}" "$file" "$hits" >>"$dest"
    else
      printf '%s\n' "$line" >>"$dest"
    fi
  done <"$in"
}
resolve_supp ct/declassified.supp.in "$out/declassified.supp"
supps=(--suppressions="$out/declassified.supp")

vg=(valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes --num-callers=40
  --read-inline-info=yes --show-error-list=yes "${supps[@]}")

# `used_suppression: COUNT NAME FILE:LINE` lines of a log, as `NAME COUNT`, summed per name.
used() { awk '/used_suppression:/ { n[$4] += $3 } END { for (k in n) print k, n[k] }' "$1" | sort; }
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
declassified=$(used "$check_log")
declassified_total=$(printf '%s\n' "$declassified" | awk '{ s += $2 } END { print s + 0 }')
points=$(printf '%s\n' "$declassified" | grep -c . || true)
# The crate's own declassification calls (src/device.rs, `declassify`): counted in the source.
in_crate=$({ grep -rhE '^[[:space:]]*declassify\(' src || true; } | wc -l)
if [ "$check_rc" -eq 0 ] && [ "${check_errors:-x}" = 0 ]; then
  echo "ctgrind check: PASS: memcheck reported 0 errors in the crate's secret computations" \
    "($points declassification points reached, $declassified_total occurrences accepted;" \
    "$in_crate in-crate declassification calls)"
else
  echo "ctgrind check: FAIL: memcheck reported ${check_errors:-?} errors (exit $check_rc)"
  show_errors "$check_log"
  status=1
fi
unused=$(comm -23 <(grep -oE '^   [a-z][-a-z0-9]*$' ct/declassified.supp.in | tr -d ' ' | sort) \
  <(printf '%s\n' "$declassified" | awk 'NF { print $1 }' | sort) | tr '\n' ' ')
[ -z "$unused" ] || echo "ctgrind check: declassification entries not reached in this run: $unused"

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
