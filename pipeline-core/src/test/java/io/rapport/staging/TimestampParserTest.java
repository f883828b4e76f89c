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

}
