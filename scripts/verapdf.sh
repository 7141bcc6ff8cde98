#!/usr/bin/env bash
# veraPDF, the PDF/A validator (org.verapdf.apps:greenfield-apps from Maven Central), for the archival PDF tests.
#
#   scripts/verapdf.sh fetch              fetch it with its dependencies into .services/verapdf/lib (once; ~/.m2 caches)
#   scripts/verapdf.sh validate FILE...   validate PDFs as PDF/A-2b in one JVM; prints veraPDF's XML report
#
# Runs on a JDK >= 17: $VERAPDF_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/* (the JDKs the test services use), else `java`.
set -euo pipefail

VERSION="${RECORDS_VERAPDF_VERSION:-1.28.2}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$REPO/.services/verapdf"
LIB="$DIR/lib-$VERSION"

die() { echo "verapdf.sh: $*" >&2; exit 1; }

fetch() {
    [ -s "$LIB/greenfield-apps-$VERSION.jar" ] && return
    command -v mvn >/dev/null || { [ "$(id -u)" = 0 ] || die "maven is missing (apt-get install maven)";
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q maven >/dev/null || die "apt-get install maven failed"; }
    mkdir -p "$DIR"
    cat > "$DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>records</groupId><artifactId>verapdf-runner</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.verapdf.apps</groupId><artifactId>greenfield-apps</artifactId>
      <version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
    echo "verapdf.sh: fetching org.verapdf.apps:greenfield-apps:$VERSION and its dependencies" >&2
    mvn -q -B -f "$DIR/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB.tmp" >&2 \
        || die "mvn could not fetch greenfield-apps $VERSION"
    rm -rf "$LIB" && mv "$LIB.tmp" "$LIB"
}

java_bin() {
    local cand major
    for cand in "${VERAPDF_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
        major="$("$cand/bin/java" -XshowSettings:properties -version 2>&1 \
                 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
        if [ -n "$major" ] && [ "${major%%.*}" -ge 17 ]; then echo "$cand/bin/java"; return; fi
    done
    command -v java || die "no JDK >= 17 found"
}

case "${1:-}" in
    fetch) fetch; echo "$LIB" ;;
    validate)
        shift
        [ $# -gt 0 ] || die "name the PDFs to validate"
        fetch
        exec "$(java_bin)" -Xmx512m -cp "$LIB/*" org.verapdf.apps.GreenfieldCliWrapper --flavour 2b --format xml "$@"
        ;;
    *) die "usage: scripts/verapdf.sh fetch | validate FILE..." ;;
esac
