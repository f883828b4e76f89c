#!/usr/bin/env bash
# Assembles a Spark 3.5 distribution from Maven jars alone (no download of a Spark tarball):
# the runtime dependencies of spark-sql go to $SPARK_HOME/jars, plus the RELEASE file Spark's
# scripts look for. Usage: deploy/standalone/spark-home.sh [SPARK_HOME]  (default: target/spark-home)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPARK_HOME="${1:-$ROOT/target/spark-home}"
if [ -f "$SPARK_HOME/RELEASE" ] && ls "$SPARK_HOME"/jars/spark-core_2.12-*.jar >/dev/null 2>&1; then
  echo "$SPARK_HOME"; exit 0
fi
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf" "$SPARK_HOME/logs" "$SPARK_HOME/work"
(cd "$ROOT" && ./mvnw -q -B -pl pipeline-core dependency:copy-dependencies \
   -DincludeScope=provided -DoutputDirectory="$SPARK_HOME/jars") >&2
SPARK_VERSION=$(ls "$SPARK_HOME"/jars/spark-core_2.12-*.jar | sed -E 's/.*spark-core_2.12-(.*)\.jar/\1/')
echo "Spark $SPARK_VERSION (assembled from Maven jars by Rapport)" > "$SPARK_HOME/RELEASE"
echo "$SPARK_HOME"
