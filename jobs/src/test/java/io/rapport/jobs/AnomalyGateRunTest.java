package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rapport.catalog.Catalog;
import io.rapport.cli.Rapport;
import io.rapport.generate.GeneratorOptions;
import io.rapport.generate.SyntheticDataGenerator;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anomaly gate end to end (issue 15): weekly runs on generated data, then an export that
 * lost most of its last two weeks. The gate fails with exit 3 naming metric, value, baseline,
 * bounds and the baseline runs, publishes nothing and leaves the previous snapshot in place; the
 * same command with {@code --accept-anomaly} restarts the failed run at the gate, judged against
 * the same baseline, and publishes it with the acceptance recorded. (The other verdicts, a
 * tenfold revenue, a trend, a tightened threshold, no baseline, are in pipeline-core's
 * AnomalyRulesTest and AnomalyBaselineTest.)
 */
class AnomalyGateRunTest {
  private static final List<LocalDate> WEEKS = List.of(LocalDate.of(2025, 8, 3), LocalDate.of(2025, 8, 10),
      LocalDate.of(2025, 8, 17));
  private static final LocalDate BAD = LocalDate.of(2025, 8, 24);
  private static final Pattern ANOMALY = Pattern.compile("run_metrics / (\\S+): error, ");

  @TempDir Path work;

  @Test
  void anExportLosingMostOfTwoWeeksFailsTheGateUntilAccepted() throws IOException {
    Path data = work.resolve("data");
    // 800 customers over four months, no bad rows: about 25 orders a day by August, so the
    // 28-day orders of the three weekly runs move by well under 30 % from week to week.
    SyntheticDataGenerator.generate(new GeneratorOptions(800, 15L, data, 0.0, LocalDate.of(2025, 5, 1), BAD));
    Path config = config(data);
    Path warehouse = work.resolve("warehouse");

    for (LocalDate week : WEEKS) {
      JobExitCodeTest.Result published = run(config, week);
      assertEquals(0, published.exitCode(), published.err());
    }
    Manifest third = manifest(warehouse, WEEKS.get(2));
    // The first three runs have fewer than 3 earlier published runs: no baseline yet.
    assertTrue(third.runMetrics().stream().allMatch(m -> m.status().equals("no_baseline")), third.runMetrics().toString());

    // The export of BAD lost 12 of its last 14 days of purchases (only BAD - 13 and BAD are left).
    for (int back = 1; back <= 12; back++) {
      deleteTree(data.resolve("purchases").resolve(BAD.minusDays(back).toString()));
    }
    JobExitCodeTest.Result failed = run(config, BAD);

    assertEquals(3, failed.exitCode(), failed.err());
    String orders = failed.err().lines().filter(l -> l.contains("run_metrics / orders_28d:")).findFirst()
        .orElseThrow(() -> new AssertionError("orders_28d not named:\n" + failed.err()));
    // Names the value, its bounds, the baseline and the runs it came from.
    assertTrue(orders.matches(".*value \\d+ below bounds \\[\\d+(\\.\\d+)?, \\d+(\\.\\d+)?\\]; baseline \\S+ = median of 3"
        + " published runs \\(2025-08-17, 2025-08-10, 2025-08-03\\).*"), orders);
    assertTrue(failed.err().contains("--accept-anomaly orders_28d"), failed.err());
    assertFalse(Files.exists(warehouse.resolve("_runs/as_of_date=" + BAD + "/manifest.json")), "nothing published");
    for (String table : Catalog.publishedNames()) {
      assertFalse(Files.exists(warehouse.resolve(table).resolve("as_of_date=" + BAD)), table + " was published");
    }
    assertEquals(third, manifest(warehouse, WEEKS.get(2)), "the previous snapshot is untouched");

    List<String> errors = new ArrayList<>();
    Matcher m = ANOMALY.matcher(failed.err());
    while (m.find()) {
      errors.add(m.group(1));
    }
    List<String> args = new ArrayList<>(List.of("run", "--config", config.toString(), "--as-of", BAD.toString(), "--json"));
    errors.forEach(metric -> args.addAll(List.of("--accept-anomaly", metric)));
    JobExitCodeTest.Result accepted = JobExitCodeTest.Result.capture(() -> Rapport.execute(args.toArray(String[]::new)));

    assertEquals(0, accepted.exitCode(), accepted.err());
    JsonNode json = JsonFiles.mapper().readTree(accepted.out());
    assertEquals(errors.stream().sorted().toList(), stringList(json.get("accepted_anomalies")));
    // The restart resumed the failed instance at the gate: ingest, facts and models not redone.
    assertEquals(json.get("job_instance_id").asLong(), manifest(warehouse, BAD).jobInstanceId());
    Manifest published = manifest(warehouse, BAD);
    assertEquals(errors.stream().sorted().toList(), published.acceptedAnomalies());
    Manifest.MetricEntry ordersEntry = published.runMetrics().stream().filter(e -> e.metric().equals("orders_28d"))
        .findFirst().orElseThrow();
    assertEquals("error", ordersEntry.status());
    assertTrue(ordersEntry.accepted());
    // Judged against the same baseline as the failed attempt.
    assertEquals(List.of("2025-08-17", "2025-08-10", "2025-08-03"), ordersEntry.baselineAsOfDates());
    assertTrue(orders.contains("bounds [" + number(ordersEntry.lowerBound()) + ", " + number(ordersEntry.upperBound()) + "]"),
        orders + " vs " + ordersEntry);

    // run_metrics is published like every table, with the same verdicts as the manifest.
    SparkSession spark = JobTestSupport.spark();
    Map<String, Row> rows = spark.read().parquet(warehouse.resolve("run_metrics/as_of_date=" + BAD).toString())
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(published.runMetrics().size(), rows.size());
    Row row = rows.get("orders_28d");
    assertEquals("error", row.getAs("status"));
    assertEquals(Boolean.TRUE, row.getAs("is_accepted"));
    assertEquals(3, (int) row.getAs("baseline_runs"));
    assertEquals(ordersEntry.value(), row.getAs("value"));
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v)
        : new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }

  private static List<String> stringList(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }

  private Path config(Path data) throws IOException {
    Path config = JobTestSupport.sampleConfig(work, "");
    String samples = JobTestSupport.projectRoot().resolve("data-samples") + "/";
    String yaml = Files.readString(config);
    assertTrue(yaml.contains(samples), yaml);
    Files.writeString(config, yaml.replace(samples, data + "/"));
    return config;
  }

  private static JobExitCodeTest.Result run(Path config, LocalDate asOf) {
    return JobExitCodeTest.Result.capture(() -> Rapport.execute("run", "--config", config.toString(), "--as-of",
        asOf.toString()));
  }

  private static Manifest manifest(Path warehouse, LocalDate asOf) throws IOException {
    return JsonFiles.mapper().readValue(warehouse.resolve("_runs/as_of_date=" + asOf + "/manifest.json").toFile(),
        Manifest.class);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
