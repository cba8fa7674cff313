#!/usr/bin/env bash
# Mints an ES256 token with the example signing key (made by make-certs.sh), for trying
# examples/zero-trust-gateway.yaml. Prints the compact JWT.
#   examples/certs/mint-jwt.sh [SUBJECT] [AUDIENCE] [TTL_SECONDS] [KEY_DIR]
set -euo pipefail
sub="${1:-alice}"
aud="${2:-orders-api}"
ttl="${3:-3600}"
dir="${4:-$(cd "$(dirname "$0")" && pwd)}"
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 3; }
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# 32-byte big-endian integer from openssl's hex, without a sign byte, left-padded
int32() { local h="${1#00}"; while [ ${#h} -gt 64 ]; do h="${h#00}"; done; printf '%064s' "$h" | tr ' ' 0; }
now="$(date +%s)"
header="$(printf '{"alg":"ES256","typ":"JWT","kid":"example-1"}' | b64url)"
payload="$(printf '{"iss":"https://auth.weft.local","sub":"%s","aud":"%s","iat":%d,"exp":%d}' \
  "$sub" "$aud" "$now" "$((now + ttl))" | b64url)"
sig_der="$(mktemp)"
trap 'rm -f "$sig_der"' EXIT
printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$dir/jwt-signing.key" > "$sig_der"
# JWS wants the two integers of the DER ECDSA signature as R || S (RFC 7518 section 3.4)
mapfile -t ints < <(openssl asn1parse -inform DER -in "$sig_der" | sed -n 's/.*INTEGER *://p')
raw="$(int32 "${ints[0]}")$(int32 "${ints[1]}")"
sig="$(printf "$(printf '%s' "$raw" | sed 's/../\\x&/g')" | b64url)"
printf '%s.%s.%s\n' "$header" "$payload" "$sig"
