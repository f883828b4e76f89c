package io.rapport.generate;

/** RFC 4180 writing: a field holding a comma, a double quote, CR or LF is quoted, quotes doubled. */
final class Csv {
  private Csv() {}

  static boolean needsQuotes(String field) {
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }

  static void appendField(StringBuilder line, String field) {
    if (field == null || field.isEmpty()) {
      return;
    }
    if (!needsQuotes(field)) {
      line.append(field);
      return;
    }
    line.append('"');
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '"') {
        line.append('"');
      }
      line.append(c);
    }
    line.append('"');
  }

  /** One record terminated by LF; null and empty fields are written as nothing. */
  static String record(String[] fields) {
    StringBuilder line = new StringBuilder(128);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      appendField(line, fields[i]);
    }
    return line.append('\n').toString();
  }
}
