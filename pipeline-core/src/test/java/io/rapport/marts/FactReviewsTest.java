package io.rapport.marts;

import static io.rapport.marts.FactSurveyResponsesTest.schemaText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class FactReviewsTest extends SparkTestSupport {

  private static final StructType ORDERS = new StructType()
      .add("order_id", "string").add("customer_id", "string").add("net_amount", StagedSchemas.MONEY);

  static Timestamp ts(String instant) {
    return instant == null ? null : Timestamp.from(Instant.parse(instant));
  }

  static Row review(String id, String customer, String order, String product, String created, String replied) {
    return RowFactory.create(id, customer, order, product, "shoes", 4, "Title", "line one\nline \"two\"",
        ts(created), ts(replied), "reviews/part-0.json");
  }

  private Dataset<Row> staged(Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), StagedSchemas.REVIEWS);
  }

  /** Orders O1 (customer c9) and O2 (customer c2). */
  private Dataset<Row> twoOrders() {
    return spark.createDataFrame(Arrays.asList(
        RowFactory.create("O1", "c9", null), RowFactory.create("O2", "c2", null)), ORDERS);
  }

  /** Reviews with and without customer, with a known, an unknown and no order. */
  private Dataset<Row> reviewsNeedingTheirCustomer() {
    return staged(
        review("rv1", "c1", "O1", "p1", "2024-01-10T10:00:00Z", null),
        review("rv2", null, "O2", "p1", "2024-01-10T10:00:00Z", null),
        review("rv3", null, "O404", "p1", "2024-01-10T10:00:00Z", null),
        review("rv4", null, null, "p1", "2024-01-10T10:00:00Z", null));
  }

  private Map<String, Row> byId(Dataset<Row> fact) {
    return fact.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  @Test
  void outputHasTheDeclaredColumnsInOrder() {
    Dataset<Row> fact = FactReviews.build(reviewsNeedingTheirCustomer(), twoOrders(), ZoneId.of("UTC"));
    assertEquals(schemaText(FactReviews.TABLE.schema()), schemaText(fact.schema()));
    assertEquals("review_id, customer_id, order_id, product_id, category, rating, title, text, created_at, "
            + "created_date, replied_at, reply_hours, customer_id_resolved_from_order",
        String.join(", ", FactReviews.TABLE.schema().fieldNames()));
  }

  @Test
  void missingCustomerIsResolvedThroughAKnownOrder() {
    Map<String, Row> rows = byId(FactReviews.build(reviewsNeedingTheirCustomer(), twoOrders(), ZoneId.of("UTC")));
    assertEquals(4, rows.size());
    // The review's own customer wins over the order's (c9).
    assertEquals("c1", rows.get("rv1").getAs("customer_id"));
    assertEquals(false, rows.get("rv1").getAs("customer_id_resolved_from_order"));
    // Empty customer, order O2 known -> c2.
    assertEquals("c2", rows.get("rv2").getAs("customer_id"));
    assertEquals(true, rows.get("rv2").getAs("customer_id_resolved_from_order"));
    // Unknown order and no order: the review stays, anonymous.
    assertNull(rows.get("rv3").getAs("customer_id"));
    assertEquals(false, rows.get("rv3").getAs("customer_id_resolved_from_order"));
    assertNull(rows.get("rv4").getAs("customer_id"));
    assertEquals(false, rows.get("rv4").getAs("customer_id_resolved_from_order"));
    assertEquals("line one\nline \"two\"", rows.get("rv4").getAs("text"));
  }

  @Test
  void replyHoursAreTheDelayInHours() {
    Dataset<Row> reviews = staged(
        review("fast", "c1", null, "p1", "2024-01-10T10:00:00Z", "2024-01-10T13:30:00Z"),
        review("late", "c1", null, "p1", "2024-01-10T10:00:00Z", "2024-01-12T10:00:00.036Z"),
        review("none", "c1", null, "p1", "2024-01-10T10:00:00Z", null),
        review("backwards", "c1", null, "p1", "2024-01-10T10:00:00Z", "2024-01-10T09:00:00Z"));
    Map<String, Row> rows = byId(FactReviews.build(reviews, twoOrders(), ZoneId.of("UTC")));
    // 10:00 -> 13:30 = 3.5 h; two days and 36 ms = 48 + 0.036/3600 = 48.00001 h.
    assertEquals(3.5, (Double) rows.get("fast").getAs("reply_hours"), 1e-9);
    assertEquals(48.00001, (Double) rows.get("late").getAs("reply_hours"), 1e-9);
    assertNull(rows.get("none").getAs("reply_hours"));
    // A reply stamped before the review keeps its timestamp but no delay (VoiceChecks warns).
    assertNull(rows.get("backwards").getAs("reply_hours"));
    assertEquals(ts("2024-01-10T09:00:00Z"), rows.get("backwards").getAs("replied_at"));
  }

  @Test
  void createdDateIsTheReportingZoneDay() {
    Dataset<Row> reviews = staged(review("rv1", "c1", null, "p1", "2024-01-31T23:30:00Z", null));
    assertEquals(Date.valueOf("2024-02-01"),
        FactReviews.build(reviews, twoOrders(), ZoneId.of("Europe/Berlin")).first().getAs("created_date"));
    assertEquals(Date.valueOf("2024-01-31"),
        FactReviews.build(reviews, twoOrders(), ZoneId.of("UTC")).first().getAs("created_date"));
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> fact = FactReviews.build(staged(), twoOrders(), ZoneId.of("UTC"));
    assertEquals(schemaText(FactReviews.TABLE.schema()), schemaText(fact.schema()));
    assertTrue(fact.collectAsList().isEmpty());
  }
}
