package io.rapport.generate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's own CSV reader (RFC 4180 options: multiLine, quote and escape both '"') reads the
 * generated files row for row, and its timestamp cast fails exactly on the injected unparseable
 * timestamps.
 */
class GeneratedDataSparkReadTest extends SparkTestSupport {
  private Path out;
  private GenerationSummary summary;

  @BeforeAll
  void generate(@TempDir Path temp) throws IOException {
    out = temp.resolve("data");
    // A quarter keeps the file count (and Spark's listing time) small.
    summary = SyntheticDataGenerator.generate(GeneratorOptions.defaults(300, 5, out).withBadRowRate(0.05)
        .withPeriod(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 3, 31)));
  }

  private Dataset<Row> read(String source, String header) {
    StructType allStrings = new StructType();
    for (String column : header.split(",")) {
      allStrings = allStrings.add(column, DataTypes.StringType);
    }
    return spark.read()
        .option("header", "true")
        .option("multiLine", "true")
        .option("quote", "\"")
        .option("escape", "\"")
        .option("mode", "FAILFAST")
        .schema(allStrings)
        .csv(out.resolve(source).toString() + "/*/*.csv");
  }

  @Test
  void reviewsWithMultiLineTextsReadRowForRow() {
    Dataset<Row> reviews = read("reviews", SyntheticDataGenerator.REVIEWS_HEADER);
    assertEquals(summary.rows("reviews"), reviews.count());
    assertTrue(reviews.filter(col("text").contains("\n")).count() > 0, "no multi-line text survived");
    assertTrue(reviews.filter(col("text").contains("\"")).count() > 0, "no quote survived");
    long unparseable = reviews.filter(col("created_at").cast(DataTypes.TimestampType).isNull()).count();
    assertEquals(summary.badRows("reviews", "invalid_timestamp"), unparseable);
  }

  @Test
  void purchaseTimestampsWithOffsetsCastExceptTheInjectedOnes() {
    Dataset<Row> purchases = read("purchases", SyntheticDataGenerator.PURCHASES_HEADER);
    assertEquals(summary.rows("purchases"), purchases.count());
    long unparseable = purchases.filter(col("order_ts").cast(DataTypes.TimestampType).isNull()).count();
    assertTrue(unparseable > 0);
    assertEquals(summary.badRows("purchases", "invalid_timestamp"), unparseable);
  }

  @Test
  void surveysReadRowForRow() {
    Dataset<Row> surveys = read("surveys", SyntheticDataGenerator.SURVEYS_HEADER);
    assertEquals(summary.rows("surveys"), surveys.count());
    long unparseable = surveys.filter(col("responded_at").cast(DataTypes.TimestampType).isNull()).count();
    assertEquals(summary.badRows("surveys", "invalid_timestamp"), unparseable);
  }
}
