package io.rapport.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader, written for the independent recomputation so that it shares no code
 * with the pipeline's (Spark) reader: comma separated, {@code "} quotes with doubled quotes inside,
 * line breaks (LF or CRLF) allowed inside quoted fields, blank lines skipped (as Spark does).
 */
final class IndependentCsv {
  private IndependentCsv() {}

  /** One file: the header and the records after it, each as its fields (a record may have the wrong width). */
  record Table(List<String> header, List<List<String>> records) {
    int column(String name) {
      int i = header.indexOf(name);
      if (i < 0) {
        throw new IllegalStateException("no column " + name + " in " + header);
      }
      return i;
    }
  }

  static Table read(Path file) throws IOException {
    List<List<String>> all = parse(Files.readString(file, StandardCharsets.UTF_8));
    if (all.isEmpty()) {
      return new Table(List.of(), List.of());
    }
    return new Table(all.get(0), all.subList(1, all.size()));
  }

  static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean inQuotes = false;
    boolean fieldWasQuoted = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (inQuotes) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          inQuotes = false;
        } else {
          field.append(c);
        }
        i++;
        continue;
      }
      if (c == '"' && field.length() == 0 && !fieldWasQuoted) {
        inQuotes = true;
        fieldWasQuoted = true;
        i++;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        fieldWasQuoted = false;
        i++;
      } else if (c == '\n' || c == '\r') {
        fields.add(field.toString());
        boolean blank = fields.size() == 1 && fields.get(0).isEmpty() && !fieldWasQuoted;
        if (!blank) {
          records.add(fields);
        }
        fields = new ArrayList<>();
        field.setLength(0);
        fieldWasQuoted = false;
        i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
      } else {
        field.append(c);
        i++;
      }
    }
    if (field.length() > 0 || !fields.isEmpty() || fieldWasQuoted) {
      fields.add(field.toString());
      records.add(fields);
    }
    return records;
  }
}
