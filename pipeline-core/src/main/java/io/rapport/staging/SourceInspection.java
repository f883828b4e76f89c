package io.rapport.staging;

import java.util.List;
import java.util.Map;

/**
 * What {@code rapport validate} reports for one source: the files a run would read, how each
 * canonical column is found in each file, what is missing, and a sample of rows that would be
 * rejected.
 *
 * @param source the source
 * @param path the configured path (null when not set)
 * @param format the configured format (null when the source is not configured)
 * @param required whether a run fails without this source
 * @param files one check per matched file, sorted by path
 * @param problems what would make a run fail before reading rows (missing path, files, columns)
 * @param rowsRead rows parsed from the files without missing columns
 * @param rejectedByReason rows that would be rejected, per reason code (before the as-of cut and de-duplication)
 * @param sampleRejects the first rejected rows by file and row order
 */
public record SourceInspection(
    SourceName source,
    String path,
    String format,
    boolean required,
    List<FileCheck> files,
    List<String> problems,
    long rowsRead,
    Map<String, Long> rejectedByReason,
    List<RejectSample> sampleRejects) {

  public SourceInspection {
    files = List.copyOf(files);
    problems = List.copyOf(problems);
    rejectedByReason = Map.copyOf(rejectedByReason);
    sampleRejects = List.copyOf(sampleRejects);
  }

  /**
   * One file's columns.
   *
   * @param presentColumns the file's columns (CSV header, inferred JSON keys, Parquet schema)
   * @param mapping canonical column -> how it is found ("column InvoiceNo", "expression ...", "default 'GBP'")
   * @param missingColumns export column -> canonical column it is needed for
   */
  public record FileCheck(String file, boolean empty, List<String> presentColumns, Map<String, String> mapping,
      Map<String, String> missingColumns) {
    public FileCheck {
      presentColumns = List.copyOf(presentColumns);
      mapping = Map.copyOf(mapping);
      missingColumns = Map.copyOf(missingColumns);
    }
  }

  /** A row that would be rejected. */
  public record RejectSample(String file, String reasonCode, String reasonDetail, String rawRecord) {}

  /** True when a run would read this source without a contract error. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /** A human-readable report, several lines, no trailing newline. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(source.id()).append(ok() ? " OK" : " PROBLEMS").append(required ? " (required)" : " (optional)");
    if (path == null) {
      sb.append("\n  not configured");
    } else {
      sb.append("\n  path: ").append(path).append(" (").append(format).append("), ").append(files.size()).append(" file(s)");
    }
    // Daily folders give hundreds of files with one layout: show each distinct layout once.
    java.util.Map<String, java.util.List<FileCheck>> byLayout = new java.util.LinkedHashMap<>();
    for (FileCheck f : files) {
      String layout = f.empty() ? "empty" : f.presentColumns() + "|" + new java.util.TreeMap<>(f.mapping()) + "|" + f.missingColumns();
      byLayout.computeIfAbsent(layout, k -> new java.util.ArrayList<>()).add(f);
    }
    for (java.util.List<FileCheck> group : byLayout.values()) {
      FileCheck f = group.get(0);
      sb.append("\n  ").append(group.size() == 1 ? "file " + f.file()
          : group.size() + " files, " + f.file() + " .. " + group.get(group.size() - 1).file());
      if (f.empty()) {
        sb.append(": empty (0 rows)");
        continue;
      }
      sb.append("\n    columns: ").append(String.join(", ", f.presentColumns()));
      new java.util.TreeMap<>(f.mapping()).forEach((c, how) -> sb.append("\n    ").append(c).append(" <- ").append(how));
      f.missingColumns().forEach((col, c) -> sb.append("\n    MISSING column ").append(col).append(" for ").append(c));
    }
    for (String p : problems) {
      sb.append("\n  problem: ").append(p);
    }
    long rejected = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    if (path != null && !files.isEmpty()) {
      sb.append("\n  rows read: ").append(rowsRead).append(", would reject: ").append(rejected);
      new java.util.TreeMap<>(rejectedByReason).forEach((r, n) -> sb.append("\n    ").append(r).append(": ").append(n));
    }
    for (RejectSample s : sampleRejects) {
      sb.append("\n  reject ").append(s.reasonCode()).append(" in ").append(s.file()).append(": ").append(s.reasonDetail())
          .append("\n    raw: ").append(s.rawRecord() == null ? "" : s.rawRecord().replace("\n", "\\n"));
    }
    return sb.toString();
  }
}
