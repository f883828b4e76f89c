package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.cli.Rapport;
import io.rapport.marts.CustomerChurn;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.CustomerFacts;
import io.rapport.marts.FactOrders;
import io.rapport.privacy.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With pseudonymisation on, no raw customer identifier of the samples (C + 7 digits, standing alone: order ids hold hex digits) appears
 * anywhere in the warehouse, rejects included, and each customer's pseudonym is the keyed hash
 * of their identifier in every table.
 */
class PseudonymisedRunTest {
  private static final Pattern RAW_ID = Pattern.compile("(?<![0-9A-Za-z])C\\d{7}(?![0-9A-Za-z])");

  @TempDir Path work;

  @Test
  void noRawCustomerIdentifierReachesTheWarehouse() throws Exception {
    Path config = JobTestSupport.sampleConfig(work,
        "privacy: {pseudonymise-customer-ids: true, key-env: RAPPORT_TEST_PSEUDONYM_KEY}\n");
    assertEquals(0, Rapport.execute("run", "--config", config.toString(), "--as-of", "2025-08-31"));

    byte[] key = System.getenv("RAPPORT_TEST_PSEUDONYM_KEY").getBytes(StandardCharsets.UTF_8);
    SparkSession spark = JobTestSupport.spark();
    try {
      for (String table : Catalog.publishedNames()) {
        Dataset<Row> frame = spark.read().parquet(work.resolve("warehouse").resolve(table).toString());
        List<String> leaks = frame.toJSON().filter((org.apache.spark.api.java.function.FilterFunction<String>)
            json -> RAW_ID.matcher(json).find()).limit(3).collectAsList();
        assertTrue(leaks.isEmpty(), table + " holds raw customer ids: " + leaks);
      }
      String pseudonym = Pseudonymiser.pseudonym(key, "C0000015");
      for (String table : List.of(FactOrders.TABLE.name(), CustomerFacts.TABLE.name(), CustomerClv.TABLE.name(), CustomerChurn.TABLE.name())) {
        long rows = spark.read().parquet(work.resolve("warehouse").resolve(table).toString())
            .filter(org.apache.spark.sql.functions.col("customer_id").equalTo(pseudonym)).count();
        assertTrue(rows > 0, "customer C0000015 appears under its pseudonym in " + table);
      }
    } finally {
      spark.stop();
    }
  }
}
