package io.rapport.marts;

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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class FactSurveyResponsesTest extends SparkTestSupport {

  static Row survey(String id, String customer, String at, String type, int score) {
    return RowFactory.create(id, customer, Timestamp.from(Instant.parse(at)), type, score, "a \"quoted\"\ncomment",
        "web", "checkout", "surveys/part-0.csv");
  }

  private Dataset<Row> staged(Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), StagedSchemas.SURVEYS);
  }

  /** NPS 6/7/8/9 and CSAT 3/4: the boundaries of the categories, one anonymous. */
  private Dataset<Row> boundaryScores() {
    return staged(
        survey("n6", "c1", "2024-01-10T10:00:00Z", "nps", 6),
        survey("n7", "c1", "2024-01-10T10:00:00Z", "nps", 7),
        survey("n8", null, "2024-01-10T10:00:00Z", "nps", 8),
        survey("n9", "c2", "2024-01-10T10:00:00Z", "nps", 9),
        survey("s3", "c2", "2024-01-10T10:00:00Z", "csat", 3),
        survey("s4", "c3", "2024-01-10T10:00:00Z", "csat", 4));
  }

  static String schemaText(StructType schema) {
    return Arrays.stream(schema.fields()).map(f -> f.name() + ":" + f.dataType().simpleString())
        .collect(Collectors.joining(", "));
  }

  @Test
  void outputHasTheDeclaredColumnsInOrder() {
    Dataset<Row> fact = FactSurveyResponses.build(boundaryScores(), ZoneId.of("UTC"));
    assertEquals(schemaText(FactSurveyResponses.TABLE.schema()), schemaText(fact.schema()));
    assertEquals("response_id, customer_id, responded_at, response_date, survey_type, score, nps_category, "
            + "is_satisfied, channel, touchpoint, comment",
        String.join(", ", FactSurveyResponses.TABLE.schema().fieldNames()));
  }

  @Test
  void boundaryScoresGetTheirCategoryAndSatisfaction() {
    Map<String, Row> byId = FactSurveyResponses.build(boundaryScores(), ZoneId.of("UTC")).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(6, byId.size());
    // SPEC 5: detractors 0-6, passives 7-8, promoters 9-10; CSAT satisfied = 4-5.
    assertEquals("detractor", byId.get("n6").getAs("nps_category"));
    assertEquals("passive", byId.get("n7").getAs("nps_category"));
    assertEquals("passive", byId.get("n8").getAs("nps_category"));
    assertEquals("promoter", byId.get("n9").getAs("nps_category"));
    assertNull(byId.get("n9").getAs("is_satisfied"));
    assertEquals(false, byId.get("s3").getAs("is_satisfied"));
    assertEquals(true, byId.get("s4").getAs("is_satisfied"));
    assertNull(byId.get("s4").getAs("nps_category"));
    // Anonymous responses stay, with a null customer.
    assertNull(byId.get("n8").getAs("customer_id"));
    assertEquals("a \"quoted\"\ncomment", byId.get("n8").getAs("comment"));
    assertEquals("checkout", byId.get("n8").getAs("touchpoint"));
  }

  @Test
  void responseDateIsTheReportingZoneDay() {
    // 23:30 UTC on 31 January is 00:30 on 1 February in Berlin (UTC+1 in winter).
    Dataset<Row> late = staged(survey("r1", "c1", "2024-01-31T23:30:00Z", "nps", 10));
    Row berlin = FactSurveyResponses.build(late, ZoneId.of("Europe/Berlin")).first();
    Row utc = FactSurveyResponses.build(late, ZoneId.of("UTC")).first();
    assertEquals(Date.valueOf("2024-02-01"), berlin.getAs("response_date"));
    assertEquals(Date.valueOf("2024-01-31"), utc.getAs("response_date"));
    // The instant itself is unchanged.
    assertEquals(Timestamp.from(Instant.parse("2024-01-31T23:30:00Z")), berlin.getAs("responded_at"));
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> fact = FactSurveyResponses.build(staged(), ZoneId.of("UTC"));
    assertEquals(schemaText(FactSurveyResponses.TABLE.schema()), schemaText(fact.schema()));
    List<Row> rows = fact.collectAsList();
    assertTrue(rows.isEmpty());
  }
}
