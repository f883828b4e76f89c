package io.rapport.config;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/** How a source's {@code timestamp-format} becomes a strict java.time formatter. */
public final class TimestampPatterns {
  private TimestampPatterns() {}

  /**
   * A strict formatter for {@code pattern}: STRICT resolution rejects 30 February; the era
   * default lets {@code yyyy} (year-of-era) resolve.
   *
   * @throws IllegalArgumentException when the pattern is not a java.time pattern
   */
  public static DateTimeFormatter formatter(String pattern) {
    return new DateTimeFormatterBuilder()
        .appendPattern(pattern)
        .parseDefaulting(ChronoField.ERA, 1)
        .toFormatter()
        .withResolverStyle(ResolverStyle.STRICT);
  }
}
