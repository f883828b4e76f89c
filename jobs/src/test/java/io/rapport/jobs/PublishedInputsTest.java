package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.pipeline.PublishedInputs;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A published date's intermediate tables, rebuilt through the catalog, are those the run used. */
class PublishedInputsTest {
  @Test
  void rebuiltCustomerSummariesAreThoseBehindThePublishedClv() {
    SharedSampleRun.warehouse();
    RapportSettings settings = SettingsLoader.load(SharedSampleRun.config()).settings();
    SparkSession spark = JobTestSupport.spark();
    LocalDate asOf = LocalDate.parse(SharedSampleRun.AS_OF);

    Dataset<Row> summaries = PublishedInputs.of(spark, settings, asOf).table(CustomerSummaries.TABLE)
        .select("customer_id", "frequency", "recency", "t");
    Dataset<Row> published = spark.read().parquet(SharedSampleRun.partition("customer_clv").toString())
        .select("customer_id", "frequency", "recency", "t");

    assertEquals(published.count(), summaries.count());
    assertEquals(0, summaries.exceptAll(published).count(), "summaries differ from customer_clv's inputs");
    assertThrows(IllegalArgumentException.class, () -> PublishedInputs.of(spark, settings, asOf.minusDays(1)));
  }
}
