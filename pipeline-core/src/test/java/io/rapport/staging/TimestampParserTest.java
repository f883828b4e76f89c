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


  /** The parser before decision S11: java.time's parseBest, the reference the queries must match. */
  private static Instant parseBestReference(String pattern, ZoneId zone, String text) {
    java.time.format.DateTimeFormatter f = pattern == null ? java.time.format.DateTimeFormatter.ISO_DATE_TIME
        : io.rapport.config.TimestampPatterns.formatter(pattern);
    try {
      java.time.temporal.TemporalAccessor t = pattern == null
          ? f.parseBest(text, java.time.ZonedDateTime::from, java.time.LocalDateTime::from)
          : f.parseBest(text, java.time.ZonedDateTime::from, java.time.OffsetDateTime::from,
              java.time.LocalDateTime::from, java.time.LocalDate::from);
      if (t instanceof java.time.ZonedDateTime z) {
        return z.toInstant();
      }
      if (t instanceof java.time.OffsetDateTime o) {
        return o.toInstant();
      }
      if (t instanceof java.time.LocalDateTime l) {
        return l.atZone(zone).toInstant();
      }
      return ((java.time.LocalDate) t).atStartOfDay(zone).toInstant();
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  @Test
  void queriesGiveWhatParseBestGaveForEveryPatternAndShape() {
    ZoneId zone = ZoneId.of("America/New_York");
    java.util.Random random = new java.util.Random(11);
    String[] patterns = {"yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy HH:mm", "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ssXXX",
        "yyyy-MM-dd'T'HH:mm:ss VV", "yyyy-MM-dd HH:mm:ss z", "yyyyMMdd", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"};
    int compared = 0;
    for (String pattern : patterns) {
      java.time.format.DateTimeFormatter f = io.rapport.config.TimestampPatterns.formatter(pattern);
      TimestampParser parser = new TimestampParser(pattern, zone);
      for (int i = 0; i < 2_000; i++) {
        // Around the DST change of 2024-11-03 in New York, plus random instants and broken text.
        java.time.ZonedDateTime t = java.time.ZonedDateTime.of(2024, 11, 3, 0, 0, 0, 0, zone)
            .plusMinutes(random.nextInt(6 * 60)).plusDays(random.nextInt(3) == 0 ? random.nextInt(4000) - 2000 : 0);
        String text = t.withZoneSameInstant(random.nextBoolean() ? zone : ZoneId.of("+05:30")).format(f);
        if (random.nextInt(10) == 0) {
          text = text.replace('1', '3'); // may make a day, month or hour out of range
        }
        assertEquals(parseBestReference(pattern, zone, text), parser.parseInstant(text), pattern + " / " + text);
        compared++;
      }
    }
    TimestampParser iso = new TimestampParser(null, zone);
    for (String text : new String[] {"2024-11-03T01:30:00", "2024-11-03T01:30:00-04:00", "2024-11-03T01:30:00Z",
        "2024-11-03T01:30:00[Europe/Paris]", "2024-11-03T01:30:00+01:00[Europe/Paris]", "2024-02-30T10:00:00",
        "2024-03-01T24:00:00", "2024-03-01T10:00:00.123456789+02:00", "2024-03-01T10:00"}) {
      assertEquals(parseBestReference(null, zone, text), iso.parseInstant(text), text);
      compared++;
    }
    org.junit.jupiter.api.Assertions.assertTrue(compared > 16_000);
  }
}
