#!/usr/bin/env bash
# Syntax-checks docker/nginx.conf with a local nginx (apt-get install nginx), without Docker: the replica
# host names (unveil-1…3), which only resolve inside the compose network, are swapped for loopback ports.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -E 's/unveil-([0-9]):4000/127.0.0.1:400\1/' "$here/nginx.conf" > "$work/unveil.conf"
cat > "$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path $work;
    proxy_temp_path $work;
    include $work/unveil.conf;
}
CONF
nginx -t -c "$work/nginx.conf" -p "$work"
