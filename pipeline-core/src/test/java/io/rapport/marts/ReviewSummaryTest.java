package io.rapport.marts;

import static io.rapport.marts.FactSurveyResponsesTest.schemaText;
import static io.rapport.marts.NpsSummaryTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class ReviewSummaryTest extends SparkTestSupport {

  private int sequence;

  /** A fact_reviews row; the created date is derived in UTC as the fact would. */
  private Row review(String product, String category, int rating, String created, Double replyHours) {
    Instant createdAt = Instant.parse(created);
    Timestamp repliedAt = replyHours == null ? null
        : Timestamp.from(createdAt.plusSeconds(Math.round(replyHours * 3600)));
    return RowFactory.create("rv" + (++sequence), "c1", null, product, category, rating, null, null,
        Timestamp.from(createdAt), Date.valueOf(created.substring(0, 10)), repliedAt,
        replyHours == null || replyHours < 0 ? null : replyHours, false);
  }

  private Dataset<Row> facts(List<Row> rows) {
    return spark.createDataFrame(rows, FactReviews.TABLE.schema());
  }

  /** Ten reviews of product p1 in category shoes, January 2024: ratings 5,5,5,5,4,4,4,4,2,1. */
  private List<Row> eightPositiveOfTen() {
    List<Row> rows = new ArrayList<>();
    for (int rating : new int[] {5, 5, 5, 5, 4, 4, 4, 4, 2, 1}) {
      rows.add(review("p1", "shoes", rating, "2024-01-20T10:00:00Z", null));
    }
    return rows;
  }

  @Test
  void specExampleWilsonLowerBoundOfEightPositiveOfTen() {
    Dataset<Row> summary = ReviewSummary.build(facts(eightPositiveOfTen()), ZoneId.of("UTC"));
    assertEquals(schemaText(ReviewSummary.TABLE.schema()), schemaText(summary.schema()));
    List<Row> rows = summary.collectAsList();
    assertEquals(6, rows.size()); // overall, product p1, category shoes x month, quarter
    Row product = find(rows, "month", "2024-01-01", "product", "p1");
    assertEquals(10L, product.<Long>getAs("reviews"));
    // (4 x 5 + 4 x 4 + 2 + 1) / 10 = 3.9
    assertEquals(3.9, product.getAs("avg_rating"), 1e-9);
    assertEquals(1L, product.<Long>getAs("rating_1"));
    assertEquals(1L, product.<Long>getAs("rating_2"));
    assertEquals(0L, product.<Long>getAs("rating_3"));
    assertEquals(4L, product.<Long>getAs("rating_4"));
    assertEquals(4L, product.<Long>getAs("rating_5"));
    assertEquals(0.8, product.getAs("positive_share"), 1e-9);
    // SPEC section 5: 8 of 10 at z = 1.96 -> 0.490
    assertEquals(0.490, product.getAs("wilson_lower_bound"), 5e-4);
    assertEquals(0.0, product.getAs("reply_rate"), 0.0);
    assertNull(product.getAs("avg_reply_hours"));
  }

  @Test
  void reviewWithoutProductCountsInOverallOnly() {
    List<Row> rows = ReviewSummary.build(facts(List.of(
        review("p1", "shoes", 5, "2024-01-20T10:00:00Z", null),
        review(null, "shoes", 1, "2024-01-20T10:00:00Z", null),
        review("p2", null, 3, "2024-01-20T10:00:00Z", null))), ZoneId.of("UTC")).collectAsList();
    assertEquals(3L, find(rows, "month", "2024-01-01", "overall", null).<Long>getAs("reviews"));
    assertEquals(1L, find(rows, "month", "2024-01-01", "product", "p1").<Long>getAs("reviews"));
    assertEquals(1L, find(rows, "month", "2024-01-01", "product", "p2").<Long>getAs("reviews"));
    // The product-less 1-star review names "shoes" but stays out of it (SPEC: overall only);
    // p2 without a category is in no category row.
    Row shoes = find(rows, "month", "2024-01-01", "category", "shoes");
    assertEquals(1L, shoes.<Long>getAs("reviews"));
    assertEquals(5.0, shoes.getAs("avg_rating"), 1e-9);
    assertEquals(1, rows.stream().filter(r -> r.getString(0).equals("month") && r.getString(2).equals("category"))
        .count());
  }

  @Test
  void replyRateAndAverageReplyHours() {
    List<Row> rows = ReviewSummary.build(facts(List.of(
        review("p1", "shoes", 5, "2024-01-20T10:00:00Z", 2.0),
        review("p1", "shoes", 4, "2024-01-21T10:00:00Z", 5.0),
        review("p1", "shoes", 2, "2024-01-22T10:00:00Z", null),
        review("p1", "shoes", 3, "2024-01-23T10:00:00Z", -1.0))), ZoneId.of("UTC")).collectAsList();
    Row overall = find(rows, "month", "2024-01-01", "overall", null);
    // Replied: 3 of 4 (the reply stamped an hour before its review counts as a reply, without a delay).
    assertEquals(0.75, overall.getAs("reply_rate"), 1e-9);
    // (2 + 5) / 2 = 3.5 hours
    assertEquals(3.5, overall.getAs("avg_reply_hours"), 1e-9);
  }

  @Test
  void periodsFollowTheReportingZone() {
    Dataset<Row> late = facts(List.of(review("p1", "shoes", 5, "2024-03-31T22:30:00Z", null)));
    // 22:30 UTC on 31 March is 00:30 on 1 April in Berlin (summer time, UTC+2): the next quarter.
    find(ReviewSummary.build(late, ZoneId.of("Europe/Berlin")).collectAsList(), "quarter", "2024-04-01", "overall", null);
    find(ReviewSummary.build(late, ZoneId.of("UTC")).collectAsList(), "quarter", "2024-01-01", "overall", null);
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> summary = ReviewSummary.build(facts(List.of()), ZoneId.of("UTC"));
    assertEquals(schemaText(ReviewSummary.TABLE.schema()), schemaText(summary.schema()));
    assertTrue(summary.collectAsList().isEmpty());
  }
}
