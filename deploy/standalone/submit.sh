#!/usr/bin/env bash
# spark-submit of the Rapport job jar to a master, using the Maven-assembled distribution:
#   deploy/standalone/submit.sh spark://127.0.0.1:7077 run --as-of 2025-08-31 --config rapport.yaml
# The same as `spark-submit --class io.rapport.cli.Rapport --master URL jobs/target/rapport.jar ARGS`
# on an installed Spark.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MASTER="$1"; shift
SPARK_HOME="$("$ROOT/deploy/standalone/spark-home.sh")"
export SPARK_HOME SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
JVM_OPTIONS="$("$ROOT/bin/spark-java-options")"
exec java -Xmx2g $JVM_OPTIONS -Duser.timezone=UTC -Dlog4j2.configurationFile="$ROOT/config/log4j2.properties" \
  -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "$MASTER" --deploy-mode client --class io.rapport.cli.Rapport \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.executor.memory=2g --conf spark.executor.cores=2 \
  --conf "spark.executor.extraJavaOptions=$JVM_OPTIONS -Duser.timezone=UTC" \
  --conf "spark.driver.extraJavaOptions=$JVM_OPTIONS -Duser.timezone=UTC" \
  "$ROOT/jobs/target/rapport.jar" "$@"
