package io.rapport.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Timestamp text to UTC instants, without Spark. */
class TimestampParserTest {

  @Test
  void patternIsALocalTimeInTheSourceZone() {
    TimestampParser london = new TimestampParser("M/d/yyyy H:mm", ZoneId.of("Europe/London"));
    assertEquals(Instant.parse("2010-12-01T08:26:00Z"), london.parseInstant("12/1/2010 8:26")); // GMT in winter
    assertEquals(Instant.parse("2011-06-01T07:05:00Z"), london.parseInstant("6/1/2011 8:05")); // BST = UTC+1
    assertNull(london.parseInstant("2/30/2011 8:05")); // strict: no 30 February
    assertNull(london.parseInstant("2011-06-01 08:05"));
    assertNull(london.parseInstant("  "));
    assertNull(london.parseInstant(null));
  }

  @Test
  void isoUsesItsOffsetElseTheSourceZone() {
    TimestampParser berlin = new TimestampParser(null, ZoneId.of("Europe/Berlin"));
    assertEquals(Instant.parse("2024-03-05T07:00:00Z"), berlin.parseInstant("2024-03-05T08:00:00+01:00"));
    assertEquals(Instant.parse("2024-03-05T07:00:00Z"), berlin.parseInstant("2024-03-05T08:00:00+0100"));
    assertEquals(Instant.parse("2024-03-05T08:00:00Z"), berlin.parseInstant("2024-03-05T08:00:00Z"));
    assertEquals(Instant.parse("2024-03-05T07:00:00Z"), berlin.parseInstant("2024-03-05 08:00:00")); // CET, no offset
    assertEquals(Instant.parse("2024-03-04T23:00:00Z"), berlin.parseInstant("2024-03-05")); // start of day in Berlin
    assertEquals(Instant.parse("2024-03-05T07:00:00.123Z"), berlin.parseInstant("2024-03-05T08:00:00.123"));
    assertNull(berlin.parseInstant("05/03/2024"));
    assertNull(berlin.parseInstant("2024-02-30T10:00:00Z"));
  }


  /** The digit-by-digit path must give exactly what java.time's ISO parser gives, or defer to it. */
  @Test
  void theFixedWidthPathAgreesWithTheIsoParserOnEveryShape() {
    java.util.Random random = new java.util.Random(14);
    java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(
        "2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "2024-02-30T10:00:00Z", "2024-04-31T00:00:00Z",
        "2024-12-31T24:00:00Z", "2024-12-31T23:59:60Z", "2024-12-31T23:60:00Z", "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "2024-03-01T10:00:00+18:00", "2024-03-01T10:00:00+18:01", "2024-03-01T10:00:00-18:00",
        "2024-03-01T10:00:00-00:00", "2024-03-01T10:00:00+05:30", "2024-03-01T10:00:00+05:60",
        "2024-03-01T10:00:00+0530Z", "2024-03-01T10:00:00z", "2024-03-01t10:00:00Z", "2024-03-01T10:00:00*01:00",
        "2024-03-01T10:00:00+01-00", "2024-03-01T1a:00:00Z", "+024-03-01T10:00:00Z", "2024-03-01T10:00:00+1:00"));
    for (int i = 0; i < 20_000; i++) {
      int offsetMinutes = random.nextInt(37 * 60) - 18 * 60;
      String offset = random.nextInt(5) == 0 ? "Z" : String.format("%s%02d:%02d", offsetMinutes < 0 ? "-" : "+",
          Math.abs(offsetMinutes) / 60, Math.abs(offsetMinutes) % 60);
      texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s", random.nextInt(10_000), random.nextInt(14),
          random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62), offset));
    }
    int fastAnswers = 0;
    for (String text : texts) {
      Instant expected;
      try {
        expected = java.time.OffsetDateTime.parse(text, java.time.format.DateTimeFormatter.ISO_DATE_TIME).toInstant();
      } catch (java.time.DateTimeException e) {
        expected = null;
      }
      Instant fast = TimestampParser.fixedWidthIso(text);
      if (fast != null) {
        fastAnswers++;
        assertEquals(expected, fast, text);
      }
      assertEquals(expected, new TimestampParser(null, ZoneId.of("UTC")).parseInstant(text), text);
    }
    org.junit.jupiter.api.Assertions.assertTrue(fastAnswers > 5_000, "the fast path answered " + fastAnswers);
  }
}
