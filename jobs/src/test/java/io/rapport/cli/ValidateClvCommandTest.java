package io.rapport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.clv.HoldoutValidation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code rapport validate-clv} on the bundled samples, as a user runs it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidateClvCommandTest {
  @TempDir static Path work;
  private Path config;

  @BeforeAll
  void sampleConfig() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("mvnw"))) {
      root = root.getParent();
    }
    // The bundled configuration with the warehouse and job repository moved into the temp folder.
    String yaml = Files.readString(root.resolve("config/rapport.yaml"))
        .replace("warehouse: ./warehouse", "warehouse: " + work.resolve("warehouse"))
        .replace("jdbc:h2:file:./var/jobs", "jdbc:h2:file:" + work.resolve("var/jobs"))
        .replace("path: data-samples/", "path: " + root.resolve("data-samples") + "/");
    config = Files.writeString(work.resolve("rapport.yaml"), yaml);
  }

  @Test
  void holdoutCheckOnTheSamplesPrintsAndWritesTheBucketTable() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    int code;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code = Rapport.execute("validate-clv", "--calibration-end", "2025-02-28", "--holdout-end", "2025-08-31",
          "--config", config.toString());
    } finally {
      System.setOut(previous);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    previous.print(out);

    assertEquals(0, code, out);
    assertTrue(out.contains("Holdout 2025-03-01 .. 2025-08-31"), out);
    assertTrue(out.contains("pareto_nbd pred / MAE") && out.contains("mbg_nbd pred / MAE"), "models side by side: " + out);
    Path folder = work.resolve("warehouse/clv_validation/calibration_end=2025-02-28");
    assertTrue(Files.isDirectory(folder), "missing " + folder);

    SparkSession spark = SparkSession.builder().master("local[2]").appName("validate-clv-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.session.timeZone", "UTC").getOrCreate();
    List<Row> rows = spark.read().schema(HoldoutValidation.TABLE.schema()).parquet(folder.toString()).collectAsList();
    Map<String, Row> byBucket = new HashMap<>();
    long customers = 0;
    long actual = 0;
    // All three models, each with the same customers and actuals per bucket.
    assertEquals(java.util.Set.of("bg_nbd", "pareto_nbd", "mbg_nbd"),
        rows.stream().map(r -> r.<String>getAs(HoldoutValidation.MODEL)).collect(java.util.stream.Collectors.toSet()));
    rows = rows.stream().filter(r -> "bg_nbd".equals(r.getAs(HoldoutValidation.MODEL))).toList();
    for (Row r : rows) {
      byBucket.put(r.getAs(HoldoutValidation.FREQUENCY_BUCKET), r);
      if (!r.getAs(HoldoutValidation.FREQUENCY_BUCKET).equals(HoldoutValidation.TOTAL)) {
        customers += r.<Long>getAs(HoldoutValidation.CUSTOMERS);
        actual += r.<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES);
      }
    }
    Row total = byBucket.get(HoldoutValidation.TOTAL);
    assertTrue(byBucket.containsKey("0"), "no bucket 0 in " + byBucket.keySet());
    // The total row is the sum of the bucket rows; the model was fitted, so there is a prediction.
    assertEquals(customers, total.<Long>getAs(HoldoutValidation.CUSTOMERS));
    assertEquals(actual, total.<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES));
    assertTrue(total.<Double>getAs(HoldoutValidation.PREDICTED_PURCHASES) > 0, "no prediction");
    assertTrue(total.<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR) > 0, "no error");
    // 2025-03-01 .. 2025-08-31 is 184 days
    assertEquals(184 / 7.0, total.<Double>getAs(HoldoutValidation.HOLDOUT_LENGTH), 1e-12);
  }

  @Test
  void aHoldoutEndNotAfterTheCalibrationEndIsAUsageError() {
    assertEquals(2, Rapport.execute("validate-clv", "--calibration-end", "2025-02-28", "--holdout-end", "2025-02-28",
        "--config", config.toString()));
  }

  @Test
  void aMalformedDateIsAUsageError() {
    assertEquals(2, Rapport.execute("validate-clv", "--calibration-end", "28/02/2025", "--config", config.toString()));
  }

  @Test
  void theCalibrationEndIsRequired() {
    assertEquals(2, Rapport.execute("validate-clv", "--config", config.toString()));
  }
}
