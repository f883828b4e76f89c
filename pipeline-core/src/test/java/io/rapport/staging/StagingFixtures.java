package io.rapport.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.config.Choice;
import io.rapport.config.RapportSettings;
import io.rapport.config.SourceFormat;
import io.rapport.schema.StagedSchemas;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/** Named settings and fixture files for the staging tests (files under src/test/resources/staging). */
final class StagingFixtures {
  private StagingFixtures() {}

  /** Absolute path of a fixture file or folder. */
  static String fixture(String relative) {
    URL url = StagingFixtures.class.getResource("/staging/" + relative);
    if (url == null) {
      throw new IllegalArgumentException("No fixture staging/" + relative);
    }
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static RapportSettings.Source csv(String path) {
    return source(path, "csv", null, Map.of(), Map.of(), Map.of(), 1.0);
  }

  static RapportSettings.Source source(String path, String format, String zone, Map<String, String> columns,
      Map<String, String> expressions, Map<String, String> defaults, Double maxRejectRate) {
    return new RapportSettings.Source(path, Choice.parse(SourceFormat.class, format), null, null,
        zone == null ? null : ZoneId.of(zone), null, null, null, columns, expressions, defaults, maxRejectRate);
  }

  static RapportSettings settings(String reportingZone, String currency, RapportSettings.Source purchases,
      RapportSettings.Source surveys, RapportSettings.Source reviews, RapportSettings.Source fx) {
    return settings(ZoneId.of(reportingZone), currency, purchases, surveys, reviews, fx);
  }

  static RapportSettings settings(ZoneId reportingZone, String currency, RapportSettings.Source purchases,
      RapportSettings.Source surveys, RapportSettings.Source reviews, RapportSettings.Source fx) {
    return new RapportSettings(null, new RapportSettings.Reporting(reportingZone, currency, null),
        new RapportSettings.Sources(purchases, surveys, reviews, fx), null, null, null, null, null, null, null, null);
  }

  /** marker -> reason code of rejects whose raw record contains the marker. */
  static Map<String, String> rejectReasonsByMarker(List<Row> rejects, List<String> markers) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : rejects) {
      String raw = r.getAs(StagedSchemas.RAW_RECORD);
      for (String m : markers) {
        if (raw != null && raw.contains(m)) {
          out.merge(m, r.getAs(StagedSchemas.REASON_CODE), (a, b) -> a + "+" + b);
        }
      }
    }
    return out;
  }

  /** Rows keyed by one string column (which must be unique). */
  static Map<String, Row> byKey(List<Row> rows, String column) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      Row previous = out.put(r.getAs(column), r);
      assertEquals(null, previous, "duplicate key " + r.getAs(column));
    }
    return out;
  }

  /** The reconciliation every test checks: read = accepted + rejected + duplicates + after as-of, and frame sizes. */
  static void assertReconciles(StagingResult result) {
    SourceCounts c = result.counts();
    assertEquals(c.read(), c.accepted() + c.rejected() + c.duplicates() + c.afterAsOf(), c.summary());
    assertEquals(c.accepted(), result.accepted().count(), "accepted frame size");
    assertEquals(c.rejected(), result.rejects().count(), "rejects frame size");
  }
}
