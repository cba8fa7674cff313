#!/usr/bin/env bash
# Makes a throwaway mesh PKI for the examples with openssl: a CA and workload certificates whose URI SANs are SPIFFE
# IDs, as a mesh's certificate authority would issue them (valid for 30 days), and for
# examples/zero-trust-gateway.yaml an ES256 token signing key with its JWKS (jwt-signing.key, jwks.json).
#   examples/certs/make-certs.sh            (writes next to this script)
#   examples/certs/make-certs.sh OUT_DIR
set -euo pipefail
OUT="${1:-$(cd "$(dirname "$0")" && pwd)}"
mkdir -p "$OUT"
cd "$OUT"
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 3; }
DOMAIN="cluster.local"

# the mesh CA
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 30 \
  -subj "/O=weft-example/CN=mesh-ca" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# leaf NAME SPIFFE_ID [extra SANs]
leaf() {
  local name="$1" id="$2" extra="${3:-}"
  printf 'subjectAltName=URI:%s%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n' \
    "$id" "${extra:+,$extra}" > "$name.ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/O=weft-example/CN=$name" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days 30 \
    -extfile "$name.ext" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
# the workload this sidecar fronts (its inbound identity) and the one it calls as (its outbound identity)
leaf app "spiffe://$DOMAIN/ns/default/sa/app" "DNS:localhost,IP:127.0.0.1"
leaf web "spiffe://$DOMAIN/ns/default/sa/web"
# examples/zero-trust-gateway.yaml: the gateway's server certificate and two callers of the weft.local trust domain
leaf gateway "spiffe://weft.local/ns/edge/sa/gateway" "DNS:localhost,IP:127.0.0.1"
leaf frontend "spiffe://weft.local/ns/default/sa/frontend"
leaf batch "spiffe://weft.local/ns/default/sa/batch"

# an ES256 (P-256) token signing key and its public JWKS: x and y are the last 64 bytes of the DER public key
openssl ecparam -name prime256v1 -genkey -noout -out jwt-signing.key 2>/dev/null
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
pub="$(mktemp)"
openssl ec -in jwt-signing.key -pubout -outform DER 2>/dev/null | tail -c 64 > "$pub"
x="$(head -c 32 "$pub" | b64url)"
y="$(tail -c 32 "$pub" | b64url)"
rm -f "$pub"
printf '{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"example-1","x":"%s","y":"%s"}]}\n' \
  "$x" "$y" > jwks.json
rm -f ca.srl
chmod 600 ./*.key
echo "wrote $(ls "$OUT" | grep -E '\.(crt|key|json)$' | tr '\n' ' ')to $OUT"
