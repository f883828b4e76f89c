package io.rapport.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only dates with a manifest (published) and before the run's date are history. */
class RunHistoryTest {
  @TempDir Path root;

  private void publish(WarehouseLayout layout, LocalDate d, double orders) {
    Manifest m = new Manifest(d.toString(), "test", 1, 1, "c.yaml", "d", "s", "p", Map.of(), Map.of(), List.of(),
        List.of(), List.of(), List.of(new Manifest.MetricEntry("orders_28d", orders, null, null, null, List.of(), List.of(),
            "r", "error", "no_baseline", false, "x")), List.of());
    JsonFiles.write(new Configuration(), layout.manifest(d), m);
  }

  @Test
  void publishedBeforeSkipsFailedLaterAndSameDateRuns() throws IOException {
    WarehouseLayout layout = new WarehouseLayout(root.toString());
    LocalDate d = LocalDate.of(2025, 8, 31);
    publish(layout, d.minusWeeks(3), 1);
    publish(layout, d.minusWeeks(2), 2);
    publish(layout, d.minusWeeks(1), 3);
    publish(layout, d, 4);               // the date itself (a forced re-run replaces it)
    publish(layout, d.plusWeeks(1), 5);  // a later date
    // A failed attempt: its run folder exists (a report) but no manifest.
    Files.createDirectories(root.resolve("_runs/as_of_date=" + d.minusDays(3)));
    Files.createDirectories(root.resolve("_runs/not-a-date"));

    List<Manifest> history = RunHistory.publishedBefore(new Configuration(), layout, d, 2);

    assertEquals(List.of(d.minusWeeks(1).toString(), d.minusWeeks(2).toString()),
        history.stream().map(Manifest::asOfDate).toList());
    assertEquals(3.0, history.get(0).runMetrics().get(0).value());
  }

  @Test
  void aManifestWithoutRunMetricsReadsAsEmptyLists() throws IOException {
    Path file = root.resolve("m.json");
    Files.writeString(file, "{\"as_of_date\":\"2025-01-01\",\"inputs\":{},\"outputs\":{},\"steps\":[],\"quality\":[],\"warnings\":[]}");

    Manifest m = JsonFiles.read(new Configuration(), new org.apache.hadoop.fs.Path(file.toString()), Manifest.class);

    assertEquals(List.of(), m.runMetrics());
    assertEquals(List.of(), m.acceptedAnomalies());
  }
}
