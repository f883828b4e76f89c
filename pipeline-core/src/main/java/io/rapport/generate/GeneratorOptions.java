package io.rapport.generate;

import io.rapport.errors.ConfigurationException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What to generate: how many customers, the seed, the output folder, the share of bad rows per
 * source and the period (inclusive, as UTC calendar dates of the day folders).
 */
public record GeneratorOptions(int customers, long seed, Path out, double badRowRate, LocalDate start, LocalDate end) {
  public static final LocalDate DEFAULT_START = LocalDate.of(2024, 1, 1);
  public static final LocalDate DEFAULT_END = LocalDate.of(2025, 8, 31);
  public static final double DEFAULT_BAD_ROW_RATE = 0.01;

  public GeneratorOptions {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (customers < 1) {
      throw new ConfigurationException("Cannot generate data: --customers must be at least 1 (got " + customers + ")");
    }
    if (!(badRowRate >= 0.0 && badRowRate < 1.0)) {
      throw new ConfigurationException("Cannot generate data: --bad-row-rate must be in [0, 1) (got " + badRowRate + ")");
    }
    if (end.isBefore(start)) {
      throw new ConfigurationException("Cannot generate data: end " + end + " is before start " + start);
    }
  }

  /** Default period (2024-01-01 to 2025-08-31) and bad-row rate (0.01). */
  public static GeneratorOptions defaults(int customers, long seed, Path out) {
    return new GeneratorOptions(customers, seed, out, DEFAULT_BAD_ROW_RATE, DEFAULT_START, DEFAULT_END);
  }

  public GeneratorOptions withBadRowRate(double rate) {
    return new GeneratorOptions(customers, seed, out, rate, start, end);
  }

  public GeneratorOptions withPeriod(LocalDate from, LocalDate to) {
    return new GeneratorOptions(customers, seed, out, badRowRate, from, to);
  }
}
