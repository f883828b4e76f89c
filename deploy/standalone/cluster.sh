#!/usr/bin/env bash
# Starts or stops a real Spark standalone cluster (one master, one worker) bound to 127.0.0.1,
# from the Maven-assembled distribution of spark-home.sh.
#   deploy/standalone/cluster.sh start   -> prints the master URL (spark://127.0.0.1:7077)
#   deploy/standalone/cluster.sh stop
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPARK_HOME="$("$ROOT/deploy/standalone/spark-home.sh")"
export SPARK_HOME SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1
PORT="${RAPPORT_SPARK_MASTER_PORT:-7077}"
RUN="$SPARK_HOME/run"; mkdir -p "$RUN"
JVM_OPTIONS="$("$ROOT/bin/spark-java-options")"

case "${1:-}" in
  start)
    if [ -f "$RUN/master.pid" ] && kill -0 "$(cat "$RUN/master.pid")" 2>/dev/null; then
      echo "spark://127.0.0.1:$PORT"; exit 0
    fi
    java -Xmx512m $JVM_OPTIONS -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$PORT" --webui-port 18080 >"$SPARK_HOME/logs/master.log" 2>&1 &
    echo $! > "$RUN/master.pid"
    for _ in $(seq 60); do grep -q "I have been elected leader" "$SPARK_HOME/logs/master.log" 2>/dev/null && break; sleep 1; done
    java -Xmx512m $JVM_OPTIONS -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores 2 --memory 6g --webui-port 18081 --work-dir "$SPARK_HOME/work" \
      "spark://127.0.0.1:$PORT" >"$SPARK_HOME/logs/worker.log" 2>&1 &
    echo $! > "$RUN/worker.pid"
    for _ in $(seq 60); do grep -q "Successfully registered with master" "$SPARK_HOME/logs/worker.log" 2>/dev/null && break; sleep 1; done
    grep -q "Successfully registered with master" "$SPARK_HOME/logs/worker.log" \
      || { echo "worker did not register; see $SPARK_HOME/logs" >&2; exit 1; }
    echo "spark://127.0.0.1:$PORT"
    ;;
  stop)
    for role in worker master; do
      if [ -f "$RUN/$role.pid" ]; then kill "$(cat "$RUN/$role.pid")" 2>/dev/null || true; rm -f "$RUN/$role.pid"; fi
    done
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
