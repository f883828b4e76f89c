package io.rapport.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.warehouse.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomalySectionTest {
  private static Manifest.MetricEntry entry(String metric, String status, boolean accepted) {
    return new Manifest.MetricEntry(metric, 228.0, 400.0, 280.0, 520.0, List.of("2025-08-24", "2025-08-17", "2025-08-10"),
        List.of(400.0, 410.0, 395.0), "r", "error", status, accepted, "detail of " + metric);
  }

  @Test
  void flaggedMetricsComeFirstWithHistoryOldestFirst() {
    Manifest m = new Manifest("2025-08-31", "t", 1, 1, "c", "d", "s", "p", Map.of(), Map.of(), List.of(), List.of(),
        List.of(), List.of(entry("fact_orders.rows", "ok", false), entry("nps_28d", "warning", false),
            entry("orders_28d", "error", true)), List.of("orders_28d"));

    String html = AnomalySection.render(m);

    assertTrue(html.indexOf("orders_28d</td>") < html.indexOf("nps_28d</td>"), html);
    assertTrue(html.indexOf("nps_28d</td>") < html.indexOf("fact_orders.rows</td>"), html);
    assertTrue(html.contains("error, accepted"), html);
    assertTrue(html.contains("2025-08-10 395 \u00b7 2025-08-17 410 \u00b7 2025-08-24 400"), html);
    assertTrue(html.contains("[280, 520]"), html);
    assertTrue(html.contains("This run accepted: orders_28d"), html);
    assertTrue(html.contains("2 outside their bounds (1 accepted with --accept-anomaly)"), html);
  }

  @Test
  void aManifestWithoutMetricsSaysSo() {
    Manifest m = new Manifest("2025-08-31", "t", 1, 1, "c", "d", "s", "p", Map.of(), Map.of(), List.of(), List.of(), List.of());

    assertTrue(AnomalySection.render(m).contains("No data: this manifest records no run metrics."));
  }
}
