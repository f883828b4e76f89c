package io.rapport.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A small RFC 4180 reader for the tests, independent of the generator's writer. */
final class CsvFiles {
  private CsvFiles() {}

  /** One data record and the day folder it was found in. */
  record Record(LocalDate day, List<String> fields) {
    String get(int i) {
      return fields.get(i);
    }
  }

  /** Parses a whole file: quoted fields may hold commas, doubled quotes and line breaks. */
  static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i += 2;
          continue;
        }
        if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else {
        field.append(c);
      }
      i++;
    }
    if (quoted) {
      throw new IllegalArgumentException("Unterminated quoted field");
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }

  /** The day folders of a source, sorted. */
  static List<Path> dayFolders(Path out, String source) throws IOException {
    try (Stream<Path> days = Files.list(out.resolve(source))) {
      return days.sorted().toList();
    }
  }

  /** All data records of a source in folder order, checking each file's header. */
  static List<Record> read(Path out, String source, String header) throws IOException {
    List<Record> all = new ArrayList<>();
    for (Path day : dayFolders(out, source)) {
      List<List<String>> records = parse(Files.readString(day.resolve("part-0.csv"), StandardCharsets.UTF_8));
      if (!String.join(",", records.get(0)).equals(header)) {
        throw new AssertionError("Unexpected header in " + day + ": " + records.get(0));
      }
      LocalDate date = LocalDate.parse(day.getFileName().toString());
      for (List<String> fields : records.subList(1, records.size())) {
        all.add(new Record(date, fields));
      }
    }
    return all;
  }
}
