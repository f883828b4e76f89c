package io.rapport.staging;

import io.rapport.config.TimestampPatterns;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;

/**
 * Turns a source's timestamp text into a UTC instant, returning null when the text does not parse.
 *
 * <p>With a {@code timestamp-format} (a {@link DateTimeFormatter} pattern, which Spark's datetime
 * patterns follow), the text is a local time in the source's {@code time-zone}, unless the pattern
 * itself parses an offset or zone. Without one, the text is ISO-8601: with an offset or {@code Z}
 * the offset is used ({@code 2024-03-01T10:00:00+01:00}), without one the source zone applies
 * ({@code 2024-03-01T10:00:00}, also with a space instead of {@code T}); a bare date is the start
 * of that day. Parsing is strict: 30 February is an error, not 1 March.
 *
 * <p>A plain Java function rather than Spark's {@code to_timestamp}, so that an invalid value is
 * always a null (a reject), never a {@code SparkUpgradeException} from the legacy-parser check.
 */
public final class TimestampParser implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String pattern;
  private final ZoneId zone;
  private transient DateTimeFormatter formatter;
  private transient DateTimeFormatter offsetWithoutColon;

  /**
   * @param pattern the timestamp-format, or null for ISO-8601 (checked by the settings loader)
   * @param zone zone of local times
   */
  public TimestampParser(String pattern, ZoneId zone) {
    this.pattern = pattern == null || pattern.isBlank() ? null : pattern;
    this.zone = zone;
  }

  /** The pattern, or null for ISO-8601. */
  public String pattern() {
    return pattern;
  }

  public ZoneId zone() {
    return zone;
  }

  /** How the expected format is described in reject details. */
  public String expectation() {
    return pattern == null
        ? "an ISO-8601 timestamp (zone " + zone + " when it has no offset)"
        : "a timestamp in pattern '" + pattern + "' (zone " + zone + ")";
  }

  private void init() {
    if (formatter == null) {
      formatter = pattern == null ? DateTimeFormatter.ISO_DATE_TIME : TimestampPatterns.formatter(pattern);
      offsetWithoutColon = new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .appendOffset("+HHmm", "Z")
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);
    }
  }

  /** The instant, or null when the text is null, blank or does not parse. */
  public Timestamp parse(String text) {
    Instant instant = parseInstant(text);
    return instant == null ? null : Timestamp.from(instant);
  }

  /** The instant, or null when the text is null, blank or does not parse. */
  public Instant parseInstant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    init();
    String s = text.trim();
    try {
      if (pattern != null) {
        return resolve(formatter.parse(s), true);
      }
      if (s.length() > 10 && s.charAt(10) == ' ') {
        s = s.substring(0, 10) + 'T' + s.substring(11);
      }
      if (s.length() == 10) {
        return LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(zone).toInstant();
      }
      try {
        return resolve(formatter.parse(s), false);
      } catch (DateTimeException e) {
        return OffsetDateTime.parse(s, offsetWithoutColon).toInstant();
      }
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * The instant of parsed text: its own instant when it has a date, time and offset; with a zone
   * but no offset that zone; a local date-time in the source zone; a bare date (only with
   * {@code dateOnly}, the pattern case) as the start of that day in the source zone. This is what
   * {@code parseBest(ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from, LocalDate::from)}
   * gives, asked through queries instead: parseBest throws (and fills a stack trace for) every
   * type it tries before the one that fits, for every row of a source whose times carry no zone.
   */
  private Instant resolve(TemporalAccessor parsed, boolean dateOnly) {
    LocalDate date = parsed.query(java.time.temporal.TemporalQueries.localDate());
    java.time.LocalTime time = parsed.query(java.time.temporal.TemporalQueries.localTime());
    if (date == null || (time == null && !dateOnly)) {
      return null;
    }
    if (time == null) {
      return date.atStartOfDay(zone).toInstant();
    }
    if (parsed.isSupported(java.time.temporal.ChronoField.INSTANT_SECONDS)) {
      return Instant.from(parsed);
    }
    ZoneId own = parsed.query(java.time.temporal.TemporalQueries.zone());
    return LocalDateTime.of(date, time).atZone(own != null ? own : zone).toInstant();
  }


}
