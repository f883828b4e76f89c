package io.rapport.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.cli.Rapport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar, submitted with spark-submit to a real standalone cluster (one master, one worker,
 * on 127.0.0.1, assembled from Maven jars by deploy/standalone/), publishes the same tables as a
 * local run. Runs in the {@code cluster} Maven profile after the jar is packaged:
 * {@code ./mvnw -B -Pcluster verify}.
 */
class StandaloneClusterIT {
  static final String AS_OF = "2025-08-31";

  @TempDir Path work;

  @Test
  void clusterRunPublishesTheSameTablesAsALocalRun() throws Exception {
    Path root = JobTestSupport.projectRoot();
    Path local = Files.createDirectories(work.resolve("local"));
    Path cluster = Files.createDirectories(work.resolve("cluster"));
    assertEquals(0, Rapport.execute("run", "--config", JobTestSupport.sampleConfig(local, "").toString(), "--as-of", AS_OF));

    String master = run(root, List.of("deploy/standalone/cluster.sh", "start"), work.resolve("cluster-start.log"), 300).trim();
    assertTrue(master.startsWith("spark://127.0.0.1:"), "master URL: " + master);
    try {
      run(root, List.of("deploy/standalone/submit.sh", master, "run", "--as-of", AS_OF,
          "--config", JobTestSupport.sampleConfig(cluster, "").toString()), work.resolve("submit.log"), 900);
    } finally {
      run(root, List.of("deploy/standalone/cluster.sh", "stop"), work.resolve("cluster-stop.log"), 60);
    }

    SparkSession spark = JobTestSupport.spark();
    try {
      for (String table : Catalog.publishedNames()) {
        Dataset<Row> a = comparable(spark.read().parquet(local.resolve("warehouse").resolve(table).toString()));
        Dataset<Row> b = comparable(spark.read().parquet(cluster.resolve("warehouse").resolve(table).toString()));
        assertEquals(a.count(), b.count(), table + " row count");
        assertEquals(0, a.exceptAll(b).count(), table + ": rows of the local run missing from the cluster run");
        assertEquals(0, b.exceptAll(a).count(), table + ": rows of the cluster run missing from the local run");
      }
    } finally {
      spark.stop();
    }
  }

  /** Doubles rounded to 6 decimals (sums may add in another order on a cluster); maps left out. */
  private static Dataset<Row> comparable(Dataset<Row> frame) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : frame.schema().fields()) {
      if (field.dataType() instanceof MapType) {
        continue;
      }
      columns.add(field.dataType() instanceof DoubleType ? round(col(field.name()), 6).as(field.name()) : col(field.name()));
    }
    return frame.select(columns.toArray(Column[]::new));
  }

  /** Runs a script from the project root; returns its stdout, fails with its log on a non-zero exit. */
  private static String run(Path root, List<String> command, Path log, int timeoutSeconds) throws IOException, InterruptedException {
    Path out = Files.createTempFile("rapport-it", ".out");
    Process process = new ProcessBuilder(command).directory(root.toFile())
        .redirectOutput(out.toFile()).redirectError(log.toFile()).start();
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String stdout = Files.readString(out);
    assertTrue(finished && process.exitValue() == 0, String.join(" ", command) + " failed (exit "
        + (finished ? process.exitValue() : "timeout") + "):\n" + stdout + "\n" + tail(log.toFile()));
    return stdout;
  }

  private static String tail(File file) throws IOException {
    List<String> lines = Files.readAllLines(file.toPath());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
