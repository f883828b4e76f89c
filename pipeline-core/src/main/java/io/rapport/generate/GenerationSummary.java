package io.rapport.generate;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link SyntheticDataGenerator#generate} wrote. Maps are keyed by source folder name
 * (purchases, surveys, reviews) in that order; bad-row maps by {@link BadRowKind#code()}.
 *
 * @param rowsPerSource data rows written per source (valid + bad + duplicates, headers excluded)
 * @param badRowsPerSource bad rows per source and kind, duplicates included; every kind of the
 *     source is present, with 0 when none was injected
 * @param fxRateRows rows in {@code fx-rates/rates.csv}
 * @param filesWritten CSV files written, {@code rates.csv} included
 * @param firstDate first day folder of any source
 * @param lastDate last day folder of any source
 * @param customersWithPurchases customers with at least one line in the files
 */
public record GenerationSummary(
    Path out,
    int customers,
    long seed,
    double badRowRate,
    Map<String, Long> rowsPerSource,
    Map<String, Map<String, Long>> badRowsPerSource,
    long fxRateRows,
    long filesWritten,
    LocalDate firstDate,
    LocalDate lastDate,
    long customersWithPurchases) {

  public GenerationSummary {
    // Insertion-ordered copies: Map.copyOf would iterate in a per-JVM random order.
    rowsPerSource = Collections.unmodifiableMap(new LinkedHashMap<>(rowsPerSource));
    Map<String, Map<String, Long>> bad = new LinkedHashMap<>();
    badRowsPerSource.forEach((source, kinds) -> bad.put(source, Collections.unmodifiableMap(new LinkedHashMap<>(kinds))));
    badRowsPerSource = Collections.unmodifiableMap(bad);
  }

  public long rows(String source) {
    return rowsPerSource.getOrDefault(source, 0L);
  }

  public long badRows(String source) {
    return badRowsPerSource.getOrDefault(source, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }

  public long badRows(String source, String kind) {
    return badRowsPerSource.getOrDefault(source, Map.of()).getOrDefault(kind, 0L);
  }

  /** A few lines for a person: rows, bad rows per kind, files and dates. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    text.append("Generated ").append(customers).append(" customers (seed ").append(seed)
        .append(", bad-row rate ").append(badRowRate).append(") into ").append(out).append('\n');
    text.append("  dates ").append(firstDate).append(" .. ").append(lastDate)
        .append(", ").append(filesWritten).append(" files, ")
        .append(customersWithPurchases).append(" customers with purchases\n");
    for (BadRowKind.Source source : BadRowKind.Source.values()) {
      String name = source.folder();
      text.append(String.format(Locale.ROOT, "  %-10s %,10d rows, %,6d bad", name, rows(name), badRows(name)));
      StringBuilder kinds = new StringBuilder();
      for (BadRowKind kind : BadRowKind.of(source)) {
        kinds.append(kinds.length() == 0 ? " (" : ", ").append(kind.code()).append(' ')
            .append(badRows(name, kind.code()));
      }
      text.append(kinds).append(")\n");
    }
    text.append(String.format(Locale.ROOT, "  %-10s %,10d rows\n", "fx-rates", fxRateRows));
    return text.toString();
  }
}
