package io.rapport.marts;

import static io.rapport.marts.FactSurveyResponsesTest.schemaText;
import static io.rapport.marts.NpsSummaryTest.CUSTOMER_DIMENSIONS;
import static io.rapport.marts.NpsSummaryTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class CsatSummaryTest extends SparkTestSupport {

  private int sequence;

  private Row response(String customer, String at, String type, int score, String touchpoint) {
    return RowFactory.create("r" + (++sequence), customer, Timestamp.from(Instant.parse(at)), type, score, null,
        null, touchpoint, null);
  }

  private Dataset<Row> facts(List<Row> staged) {
    return FactSurveyResponses.build(spark.createDataFrame(staged, StagedSchemas.SURVEYS), ZoneId.of("UTC"));
  }

  private Dataset<Row> noCustomers() {
    return spark.createDataFrame(List.of(), CUSTOMER_DIMENSIONS);
  }

  /** SPEC section 5: scores 5, 4, 3, 2, 1 given 42, 32, 10, 9, 14 times in March 2024. */
  private List<Row> specFortyTwoThirtyTwoTenNineFourteen() {
    int[] counts = {42, 32, 10, 9, 14};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      for (int k = 0; k < counts[i]; k++) {
        rows.add(response(null, "2024-03-15T08:00:00Z", "csat", 5 - i, null));
      }
    }
    return rows;
  }

  @Test
  void specExampleGivesCsat69point2WithItsWilsonInterval() {
    Dataset<Row> summary = CsatSummary.build(facts(specFortyTwoThirtyTwoTenNineFourteen()), noCustomers(), ZoneId.of("UTC"), 30);
    assertEquals(schemaText(CsatSummary.TABLE.schema()), schemaText(summary.schema()));
    List<Row> rows = summary.collectAsList();
    assertEquals(2, rows.size()); // overall month and quarter
    Row month = find(rows, "month", "2024-03-01", "overall", null);
    // 42 + 32 = 74 satisfied of 107 -> 69.16 (SPEC: 69.2)
    assertEquals(107L, month.<Long>getAs("responses"));
    assertEquals(74L, month.<Long>getAs("satisfied"));
    assertEquals(69.2, month.getAs("csat"), 0.05);
    // Wilson at z = 1.96, n = 107, phat = 0.691589 by hand: centre 0.6849486, half 0.0862353,
    // -> 59.87 .. 77.12 percent.
    assertEquals(59.8713, month.getAs("csat_wilson_low"), 1e-3);
    assertEquals(77.1184, month.getAs("csat_wilson_high"), 1e-3);
    assertEquals(false, month.getAs("is_low_sample"));
    Row quarter = find(rows, "quarter", "2024-01-01", "overall", null);
    assertEquals(74L, quarter.<Long>getAs("satisfied"));
  }

  @Test
  void boundaryScoresThreeAndFourAndNpsIgnored() {
    List<Row> staged = new ArrayList<>(List.of(
        response("c1", "2024-01-10T10:00:00Z", "csat", 3, "delivery"),
        response("c2", "2024-01-10T10:00:00Z", "csat", 4, "delivery"),
        response("c1", "2024-01-10T10:00:00Z", "nps", 10, "delivery")));
    Dataset<Row> customers = spark.createDataFrame(Arrays.asList(
        RowFactory.create("c1", Date.valueOf("2023-12-01"), "loyal", "mid", "active")), CUSTOMER_DIMENSIONS);
    List<Row> rows = CsatSummary.build(facts(staged), customers, ZoneId.of("UTC"), 2).collectAsList();
    // 4 is satisfied, 3 is not: 1 of 2 -> 50.
    Row delivery = find(rows, "month", "2024-01-01", "touchpoint", "delivery");
    assertEquals(2L, delivery.<Long>getAs("responses"));
    assertEquals(1L, delivery.<Long>getAs("satisfied"));
    assertEquals(50.0, delivery.getAs("csat"), 1e-9);
    assertEquals(false, delivery.getAs("is_low_sample"));
    // Only c1 has a segment: one response (its score 3), below the minimum of 2.
    Row loyal = find(rows, "month", "2024-01-01", "rfm_segment", "loyal");
    assertEquals(1L, loyal.<Long>getAs("responses"));
    assertEquals(0.0, loyal.getAs("csat"), 1e-9);
    assertEquals(0.0, loyal.getAs("csat_wilson_low"), 1e-9);
    assertEquals(true, loyal.getAs("is_low_sample"));
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> summary = CsatSummary.build(facts(List.of()), noCustomers(), ZoneId.of("UTC"), 30);
    assertEquals(schemaText(CsatSummary.TABLE.schema()), schemaText(summary.schema()));
    assertTrue(summary.collectAsList().isEmpty());
  }
}
