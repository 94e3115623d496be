#!/usr/bin/env bash
# Runs the server locally on a stock Apache Tomcat 11 (the binary distribution from Maven Central),
# with the data root in ./data unless SIMPLESTREAMS_DIR says otherwise. HTTP on 127.0.0.1:8080 and
# HTTPS on 127.0.0.1:8443 (lxc and incus need HTTPS); HTTP_PORT and HTTPS_PORT choose others. Stop it
# with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD

bash scripts/install-deps.sh

# The Tomcat the tests run on, as the pom names it.
TOMCAT_VERSION=$(sed -n 's:.*<tomcat.version>\(.*\)</tomcat.version>.*:\1:p' pom.xml)
HTTP_PORT=${HTTP_PORT:-8080}
HTTPS_PORT=${HTTPS_PORT:-8443}
export SIMPLESTREAMS_DIR=${SIMPLESTREAMS_DIR:-$project/data}
# The page's lxc and incus commands name the HTTPS address even when it is opened over HTTP.
export PUBLIC_URL=${PUBLIC_URL:-https://127.0.0.1:$HTTPS_PORT}
run=$project/.run
home=$run/apache-tomcat-$TOMCAT_VERSION
# One CATALINA_BASE per port: two local runs on different ports do not share one.
base=$run/base-$HTTP_PORT
# Batch mode without colour keeps terminal escape codes out of the log; Debian 12's Maven 3.8 writes colour
# resets all the same, so they are filtered out too.
quiet_mvn() {
  mvn -q -B -ntp -Dstyle.color=never "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
}

# The WAR is built again only when a source changed since (a restart takes seconds, not a build).
if [ ! -f target/ROOT.war ] || [ -n "$(find src pom.xml -newer target/ROOT.war -print -quit)" ]; then
  quiet_mvn package -DskipTests
fi
# Overwriting: the plugin's marker in target/ would otherwise skip a distribution removed from .run/.
if [ ! -x "$home/bin/catalina.sh" ]; then
  quiet_mvn org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact=org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz -DoutputDirectory="$run" -Dmdep.overWriteReleases=true
fi
bash scripts/local-tls.sh "$run/tls"

# A separate CATALINA_BASE keeps the distribution untouched: only our server.xml, setenv.sh and the WAR as ROOT.
rm -rf "$base"
mkdir -p "$base/bin" "$base/conf" "$base/logs" "$base/temp" "$base/webapps" "$base/work"
cp docker/setenv.sh "$base/bin/setenv.sh"
cp "$home"/conf/{web.xml,logging.properties,catalina.properties,context.xml,tomcat-users.xml} "$base/conf/"
cp scripts/local-server.xml "$base/conf/server.xml"
cp target/ROOT.war "$base/webapps/ROOT.war"
mkdir -p "$SIMPLESTREAMS_DIR"

cat <<MSG

simplestreams-server: data root $SIMPLESTREAMS_DIR
  http://127.0.0.1:$HTTP_PORT/   https://127.0.0.1:$HTTPS_PORT/

Use it from lxc (Debian's lxd-client; for the snap use ~/snap/lxd/common/config instead of ~/.config/lxc):
  mkdir -p ~/.config/lxc/servercerts && cp $run/tls/ca.crt ~/.config/lxc/servercerts/myimages.crt
  lxc remote add myimages https://127.0.0.1:$HTTPS_PORT --protocol=simplestreams
  lxc image list myimages:
From incus:
  mkdir -p ~/.config/incus/servercerts && cp $run/tls/ca.crt ~/.config/incus/servercerts/myimages.crt
  incus remote add myimages https://127.0.0.1:$HTTPS_PORT --protocol=simplestreams

MSG
if [ -n "${UPLOAD_USER:-}" ]; then
  cat <<MSG
Upload (user $UPLOAD_USER):
  dir=myos/myrelease/amd64/default/\$(date -u +%Y%m%d_%H:%M)
  curl -u "$UPLOAD_USER:PASSWORD" -F "upload=@meta.tar.xz;filename=\$dir/lxd.tar.xz" http://127.0.0.1:$HTTP_PORT/images/
  curl -u "$UPLOAD_USER:PASSWORD" -F "upload=@rootfs.squashfs;filename=\$dir/rootfs.squashfs" http://127.0.0.1:$HTTP_PORT/images/

MSG
else
  echo "Uploads are off: run with UPLOAD_USER=... UPLOAD_PASSWORD=... to enable them (or copy files into $SIMPLESTREAMS_DIR/images/)."
  echo
fi

export CATALINA_HOME=$home CATALINA_BASE=$base
export CATALINA_OPTS="${CATALINA_OPTS:-} -Dhttp.port=$HTTP_PORT -Dhttps.port=$HTTPS_PORT -Dtls.dir=$run/tls"
exec "$home/bin/catalina.sh" run
