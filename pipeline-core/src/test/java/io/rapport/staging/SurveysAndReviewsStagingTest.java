package io.rapport.staging;

import static io.rapport.staging.StagingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Surveys from JSON Lines (surveys/responses.jsonl) and reviews from CSV with a UTF-8 BOM, CRLF
 * line ends and a multi-line quoted review text (reviews/reviews-1.csv; reviews-2.csv re-sends r1).
 * As-of 2024-03-31, reporting zone UTC.
 */
class SurveysAndReviewsStagingTest extends SparkTestSupport {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);

  private static RapportSettings surveysAndReviews() {
    RapportSettings.Source surveys = source(fixture("surveys/responses.jsonl"), "jsonl", null, Map.of(), Map.of(),
        Map.of(), 1.0);
    RapportSettings.Source reviews = source(fixture("reviews"), "csv", null, Map.of(), Map.of(), Map.of(), 1.0);
    return settings("UTC", "USD", null, surveys, reviews, null);
  }

  @Test
  void surveyCorpusEndsWhereEachRuleSays() {
    StagingResult r = Staging.stage(spark, SourceName.SURVEYS, surveysAndReviews(), AS_OF);
    assertEquals(StagedSchemas.SURVEYS, r.accepted().schema());
    assertEquals(Rejects.TABLE.schema(), r.rejects().schema());
    Map<String, String> expected = new TreeMap<>(Map.of(
        "no id", "missing_response_id",
        "\"s4\"", "invalid_timestamp",
        "\"s5\"", "invalid_survey_type",
        "\"s6\"", "invalid_score",
        "\"s7\"", "score_out_of_range",
        "\"s8\"", "score_out_of_range",
        "\"s9\"", "malformed_row"));
    assertEquals(expected, rejectReasonsByMarker(r.rejects().collectAsList(), List.copyOf(expected.keySet())));

    Map<String, Row> accepted = byKey(r.accepted().collectAsList(), StagedSchemas.RESPONSE_ID);
    assertEquals(Set.of("s1", "s2", "s12"), accepted.keySet());
    // s1 was sent twice: the later line (score 10) wins, the first is a duplicate
    assertEquals(10, (int) accepted.get("s1").getAs(StagedSchemas.SCORE));
    assertEquals("changed my mind", accepted.get("s1").getAs(StagedSchemas.COMMENT));
    // a JSON number is read as its text; CSAT is stored lower-case; an empty customer is anonymous
    Row s2 = accepted.get("s2");
    assertEquals("csat", s2.getAs(StagedSchemas.SURVEY_TYPE));
    assertEquals(4, (int) s2.getAs(StagedSchemas.SCORE));
    assertNull(s2.getAs(StagedSchemas.CUSTOMER_ID));
    // nps 0 is a valid detractor score
    assertEquals(0, (int) accepted.get("s12").getAs(StagedSchemas.SCORE));

    // 12 lines = 3 accepted + 7 rejected + 1 duplicate (s1) + 1 after as-of (s11 at 00:00:01 on 1 April)
    assertEquals(new SourceCounts(12, 3, 7, 1, 1,
        Map.of("missing_response_id", 1L, "invalid_timestamp", 1L, "invalid_survey_type", 1L, "invalid_score", 1L,
            "score_out_of_range", 2L, "malformed_row", 1L)), r.counts());
    assertReconciles(r);
  }

  @Test
  void scoreOutOfRangeDetailNamesTheTypeRange() {
    StagingResult r = Staging.stage(spark, SourceName.SURVEYS, surveysAndReviews(), AS_OF);
    List<String> details = r.rejects().filter("reason_code = 'score_out_of_range'").orderBy("raw_record")
        .select(StagedSchemas.REASON_DETAIL).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("score '11' is outside 0..10 for nps", "score '0' is outside 1..5 for csat"), details);
    assertReconciles(r);
  }

  @Test
  void reviewCorpusWithBomCrlfAndMultiLineText() {
    StagingResult r = Staging.stage(spark, SourceName.REVIEWS, surveysAndReviews(), AS_OF);
    assertEquals(StagedSchemas.REVIEWS, r.accepted().schema());
    Map<String, String> expected = new TreeMap<>(Map.of(
        "r2,", "rating_out_of_range",
        "\"r2\"", "rating_out_of_range",
        "\"r3\"", "invalid_rating",
        "no id", "missing_review_id",
        "\"r5\"", "invalid_timestamp",
        "\"r6\"", "invalid_timestamp",
        "r8,C1", "malformed_row",
        "\"r11\"", "rating_out_of_range"));
    expected.remove("r2,"); // parsed rows are rendered as JSON, so only the JSON marker matches
    assertEquals(expected, rejectReasonsByMarker(r.rejects().collectAsList(), List.copyOf(expected.keySet())));

    Map<String, Row> accepted = byKey(r.accepted().collectAsList(), StagedSchemas.REVIEW_ID);
    assertEquals(Set.of("r1", "r7", "r10"), accepted.keySet());
    // r1 comes again in reviews-2.csv: the later file wins
    Row r1 = accepted.get("r1");
    assertEquals("Second thoughts", r1.getAs(StagedSchemas.TEXT));
    assertEquals(4, (int) r1.getAs(StagedSchemas.RATING));
    assertTrue(((String) r1.getAs(StagedSchemas.SOURCE_FILE)).endsWith("reviews-2.csv"));
    // a reply after the as-of date is not observed yet
    Row r7 = accepted.get("r7");
    assertNull(r7.getAs(StagedSchemas.REPLIED_AT));
    assertEquals(Timestamp.from(Instant.parse("2024-03-30T12:00:00Z")), r7.getAs(StagedSchemas.CREATED_AT));
    assertNull(accepted.get("r10").getAs(StagedSchemas.CUSTOMER_ID));

    // 12 records = 3 accepted + 7 rejected + 1 duplicate (first r1) + 1 after as-of (r12)
    SourceCounts c = r.counts();
    assertEquals(12, c.read());
    assertEquals(3, c.accepted());
    assertEquals(7, c.rejected());
    assertEquals(1, c.duplicates());
    assertEquals(1, c.afterAsOf());
    assertReconciles(r);
  }

  @Test
  void multiLineQuotedTextSurvivesBomAndCrlf() {
    RapportSettings.Source onlyFirst = source(fixture("reviews/reviews-1.csv"), "csv", null, Map.of(), Map.of(),
        Map.of(), 1.0);
    StagingResult r = Staging.stage(spark, SourceName.REVIEWS, settings("UTC", "USD", null, null, onlyFirst, null), AS_OF);
    Row r1 = byKey(r.accepted().collectAsList(), StagedSchemas.REVIEW_ID).get("r1");
    assertEquals("Great, really", r1.getAs(StagedSchemas.TITLE));
    // the CSV parser normalises the quoted CRLF to \n; doubled quotes become one
    assertEquals("Loved it.\nShe said \"wow\", twice.", r1.getAs(StagedSchemas.TEXT));
    assertEquals(Timestamp.from(Instant.parse("2024-03-02T09:00:00Z")), r1.getAs(StagedSchemas.REPLIED_AT));
    assertEquals(11, r.counts().read());
    assertReconciles(r);
  }
}
