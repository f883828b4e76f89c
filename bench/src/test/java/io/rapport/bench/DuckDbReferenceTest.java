package io.rapport.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rapport.cli.Rapport;
import io.rapport.generate.GeneratorOptions;
import io.rapport.generate.SyntheticDataGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB reference pipeline is an honest baseline only if it computes what Rapport computes:
 * on a small generated data set (every kind of bad row the generator makes), the SQL's row
 * accounting equals Rapport's manifest and each of its ten tables equals Rapport's published
 * table row by row (summaries without the clv_tier dimension, which needs the CLV fit).
 */
class DuckDbReferenceTest {
  private static final LocalDate START = LocalDate.of(2025, 1, 1);
  private static final LocalDate AS_OF = LocalDate.of(2025, 8, 31);

  @TempDir
  static Path work;

  private static Path warehouse;
  private static Path reference;
  private static DuckDbReference.Result result;

  @BeforeAll
  static void runBoth() throws Exception {
    Path data = work.resolve("data");
    SyntheticDataGenerator.generate(new GeneratorOptions(400, 11, data, 0.03, START, AS_OF));
    warehouse = work.resolve("warehouse");
    Path config = BenchConfig.write(work.resolve("rapport.yaml"), data, warehouse, work.resolve("var/jobs"));
    assertEquals(0, Rapport.execute("run", "--config", config.toString(), "--as-of", AS_OF.toString()),
        "the Rapport run of the generated data failed");
    reference = work.resolve("reference");
    result = DuckDbReference.run(new DuckDbReference.Options(data, AS_OF, reference, sqlFolder(), 2, "2GB",
        DuckDbReference.defaultVariables(data, AS_OF)));
  }

  static Path sqlFolder() {
    return Path.of(System.getProperty("rapport.bench.sql", "duckdb"));
  }

  @Test
  void rowAccountingEqualsTheManifest() throws Exception {
    JsonNode inputs = new ObjectMapper().readTree(warehouse.resolve("_runs").resolve("as_of_date=" + AS_OF)
        .resolve("manifest.json").toFile()).get("inputs");
    for (String source : List.of("purchases", "surveys", "reviews")) {
      Map<String, Long> counts = result.sourceCounts().get(source);
      JsonNode manifest = inputs.get(source);
      for (String k : List.of("read", "accepted", "rejected", "duplicates")) {
        assertEquals(manifest.get(k).asLong(), counts.get(k), source + " " + k);
      }
      // The generated corruptions and duplicates are really exercised.
      assertTrue(counts.get("rejected") > 0 && counts.get("duplicates") > 0, source + " " + counts);
    }
  }

  @Test
  void everyTableEqualsRapportsRowByRow() throws Exception {
    List<ReferenceComparison.TableDiff> diffs = ReferenceComparison.compare(warehouse, AS_OF, reference);
    assertEquals(DuckDbReference.TABLES.size(), diffs.size());
    for (ReferenceComparison.TableDiff d : diffs) {
      assertTrue(d.equal(), d.toString());
      assertTrue(d.rapportRows() > 0, d.table() + " is empty: the comparison would prove nothing");
      assertEquals(result.rows().get(d.table()), d.referenceRows(), d.table());
    }
  }

  @Test
  void theComparisonSeesOneChangedValue() throws Exception {
    Path tampered = work.resolve("tampered");
    Files.createDirectories(tampered);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      for (String table : DuckDbReference.TABLES) {
        String from = reference.resolve(table + ".parquet").toString();
        String to = tampered.resolve(table + ".parquet").toString();
        String select = table.equals("customer_facts")
            ? "SELECT * REPLACE (CASE WHEN customer_id = (SELECT min(customer_id) FROM '" + from + "')"
                + " THEN net_revenue + 0.0001 ELSE net_revenue END AS net_revenue) FROM '" + from + "'"
            : "SELECT * FROM '" + from + "'";
        st.execute("COPY (" + select + ") TO '" + to + "' (FORMAT parquet)");
      }
    }
    ReferenceComparison.TableDiff facts = ReferenceComparison.compare(warehouse, AS_OF, tampered).stream()
        .filter(d -> d.table().equals("customer_facts")).findFirst().orElseThrow();
    assertFalse(facts.equal());
    assertEquals(1L, facts.differingValues().get("net_revenue"));
  }
}
