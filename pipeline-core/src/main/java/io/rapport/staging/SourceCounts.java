package io.rapport.staging;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where every row read from one source ended up. Reconciles exactly:
 * {@code read == accepted + rejected + duplicates + afterAsOf} (checked on construction).
 *
 * @param read rows parsed from the files (malformed rows included, header lines and blank lines not)
 * @param accepted rows in the staged table
 * @param rejected rows in the rejects table
 * @param duplicates valid rows dropped because a later copy with the same natural key won
 * @param afterAsOf valid rows whose event time is after the end of the as-of date (reporting zone)
 * @param rejectedByReason rejected rows per reason code (sums to {@code rejected})
 */
public record SourceCounts(
    long read,
    long accepted,
    long rejected,
    long duplicates,
    long afterAsOf,
    Map<String, Long> rejectedByReason) {

  public SourceCounts {
    rejectedByReason = rejectedByReason == null ? Map.of() : Map.copyOf(rejectedByReason);
    if (read != accepted + rejected + duplicates + afterAsOf) {
      throw new IllegalStateException(String.format(
          "Counts do not reconcile: read %d != accepted %d + rejected %d + duplicates %d + after as-of %d",
          read, accepted, rejected, duplicates, afterAsOf));
    }
    long byReason = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    if (byReason != rejected) {
      throw new IllegalStateException(String.format(
          "Counts do not reconcile: rejected %d != sum of rejects by reason %d %s",
          rejected, byReason, rejectedByReason));
    }
  }

  /** No rows at all (an optional source without input, or only empty files). */
  public static SourceCounts empty() {
    return new SourceCounts(0, 0, 0, 0, 0, Map.of());
  }

  /**
   * rejected / (read - afterAsOf): the share of the rows that belong to the as-of date, so that a
   * backfill's gate does not depend on files dated after it (SPEC section 2); 0 when there are none.
   */
  public double rejectRate() {
    long upToAsOf = read - afterAsOf;
    return upToAsOf == 0 ? 0.0 : (double) rejected / upToAsOf;
  }

  /** Reasons sorted by count, largest first, as "code count, code count". */
  public String topReasons(int limit) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(rejectedByReason).entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(limit)
        .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
    return sb.toString();
  }

  /** One line for logs and run summaries. */
  public String summary() {
    return String.format("read %d = accepted %d + rejected %d + duplicates %d + after as-of %d",
        read, accepted, rejected, duplicates, afterAsOf);
  }
}
