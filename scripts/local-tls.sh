#!/usr/bin/env bash
# Creates, once, a private CA and a server certificate for 127.0.0.1 and localhost in directory $1.
# LXD and Incus clients only talk HTTPS (TLS 1.3) to simplestreams remotes; trusting this CA per
# client (servercerts/<remote>.crt) is all they need.
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
[ -s server.crt ] && [ -s server.key ] && [ -s ca.crt ] && exit 0
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 3650 \
  -subj "/CN=simplestreams-server local CA" -keyout ca.key -out ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
  -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
  -extfile server.ext -out server.crt 2>/dev/null
rm -f server.csr server.ext
chmod 600 ca.key server.key
