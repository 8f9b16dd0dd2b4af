#!/usr/bin/env bash
# Freed-memory check of cognito-srp-auth (see memscan/README.md): the library's sign-in
# scenarios must leave no secret in any heap block they free (`check`), and every deliberate
# leak of the control must be reported (`control`). Builds in release; run from anywhere.
set -euo pipefail

cd "$(dirname "$0")/.."
# The harness's own workspace and target folder: never the root crate's target/.
export CARGO_TARGET_DIR="$PWD/memscan/target"

status=0
cargo run --release --manifest-path memscan/Cargo.toml -- check || status=1
cargo run --release --manifest-path memscan/Cargo.toml -- control || status=1
if [ "$status" -ne 0 ]; then
    echo "memscan: FAILED (a secret was found in freed memory, or a control was missed)" >&2
fi
exit "$status"
