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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class VoiceMonthlyTest extends SparkTestSupport {

  private static final StructType ORDERS = new StructType().add("order_id", "string").add("customer_id", "string");

  private static Timestamp ts(String instant) {
    return instant == null ? null : Timestamp.from(Instant.parse(instant));
  }

  private Dataset<Row> surveys(Row... staged) {
    return FactSurveyResponses.build(spark.createDataFrame(List.of(staged), StagedSchemas.SURVEYS), ZoneId.of("UTC"));
  }

  private static Row response(String id, String at, String type, int score) {
    return RowFactory.create(id, "c1", ts(at), type, score, null, null, null, null);
  }

  private Dataset<Row> reviews(Row... staged) {
    return FactReviews.build(spark.createDataFrame(List.of(staged), StagedSchemas.REVIEWS),
        spark.createDataFrame(List.of(), ORDERS), ZoneId.of("UTC"));
  }

  private static Row review(String id, int rating, String created, String replied) {
    return RowFactory.create(id, "c1", null, "p1", "shoes", rating, null, null, ts(created), ts(replied), null);
  }

  /** January: NPS 10 and 0, CSAT 5 and 2, a 4-star review answered in 2 h. February: a review only. March: CSAT only. */
  private Map<Date, Row> threeMonths(String zone) {
    Dataset<Row> monthly = VoiceMonthly.build(
        surveys(
            response("n1", "2024-01-05T10:00:00Z", "nps", 10),
            response("n2", "2024-01-06T10:00:00Z", "nps", 0),
            response("s1", "2024-01-07T10:00:00Z", "csat", 5),
            response("s2", "2024-01-08T10:00:00Z", "csat", 2),
            response("s3", "2024-03-31T23:30:00Z", "csat", 4)),
        reviews(
            review("rv1", 4, "2024-01-09T10:00:00Z", "2024-01-09T12:00:00Z"),
            review("rv2", 2, "2024-02-09T10:00:00Z", null)),
        ZoneId.of(zone));
    assertEquals(schemaText(VoiceMonthly.TABLE.schema()), schemaText(monthly.schema()));
    return monthly.collectAsList().stream().collect(Collectors.toMap(r -> r.getDate(0), r -> r));
  }

  @Test
  void eachMonthHasItsOwnFiguresAndNullsWhereItHasNoData() {
    Map<Date, Row> months = threeMonths("UTC");
    assertEquals(3, months.size());
    Row january = months.get(Date.valueOf("2024-01-01"));
    assertEquals(0.0, january.getAs("nps"), 1e-9); // (1 promoter - 1 detractor) / 2
    assertEquals(50.0, january.getAs("csat"), 1e-9); // 1 satisfied of 2
    assertEquals(4.0, january.getAs("avg_rating"), 1e-9);
    assertEquals(2.0, january.getAs("avg_reply_hours"), 1e-9);
    Row february = months.get(Date.valueOf("2024-02-01"));
    assertNull(february.getAs("nps"));
    assertNull(february.getAs("csat"));
    assertEquals(2.0, february.getAs("avg_rating"), 1e-9);
    assertNull(february.getAs("avg_reply_hours"));
    Row march = months.get(Date.valueOf("2024-03-01"));
    assertEquals(100.0, march.getAs("csat"), 1e-9);
    assertNull(march.getAs("avg_rating"));
  }

  @Test
  void monthsFollowTheReportingZone() {
    // The CSAT response at 23:30 UTC on 31 March is April in Berlin.
    Map<Date, Row> months = threeMonths("Europe/Berlin");
    assertTrue(months.containsKey(Date.valueOf("2024-04-01")));
    assertTrue(!months.containsKey(Date.valueOf("2024-03-01")));
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> monthly = VoiceMonthly.build(surveys(), reviews(), ZoneId.of("UTC"));
    assertEquals(schemaText(VoiceMonthly.TABLE.schema()), schemaText(monthly.schema()));
    assertTrue(monthly.collectAsList().isEmpty());
  }
}
