package io.rapport.staging;

import io.rapport.errors.InputContractException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Finds a source's files and reads CSV headers on the driver, before any Spark job, through the
 * Hadoop FileSystem API (so the same code serves local paths, HDFS and object stores).
 */
final class InputFiles {
  private InputFiles() {}

  /**
   * The data files a path, folder or glob matches, sorted by full path. Folders (also folders
   * matched by a glob, such as {@code purchases/*}) contribute their files recursively; names
   * starting with {@code _} or {@code .} ({@code _SUCCESS}, {@code .crc}) are skipped.
   */
  static List<String> resolve(String sourceId, String path, Configuration conf) {
    return list(sourceId, path, conf).stream().map(Listed::path).toList();
  }

  /** One data file and its identity for the staged-files ledger: path, size, modification time. */
  record Listed(String path, long size, long modified) {}

  /** {@link #resolve} with each file's size and modification time (from the same listing, no extra call). */
  static List<Listed> list(String sourceId, String path, Configuration conf) {
    try {
      Path pattern = new Path(path);
      FileSystem fs = pattern.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(pattern);
      TreeMap<String, Listed> files = new TreeMap<>();
      if (matches == null) {
        return List.of();
      }
      for (FileStatus status : matches) {
        if (status.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(status.getPath(), true);
          while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            if (f.isFile() && isDataFile(f.getPath())) {
              files.put(f.getPath().toString(), listed(f));
            }
          }
        } else if (isDataFile(status.getPath())) {
          files.put(status.getPath().toString(), listed(status));
        }
      }
      return List.copyOf(files.values());
    } catch (IOException e) {
      throw new InputContractException("Cannot read " + sourceId + ": listing path " + path + " failed: " + e.getMessage());
    }
  }

  private static Listed listed(FileStatus f) {
    return new Listed(f.getPath().toString(), f.getLen(), f.getModificationTime());
  }

  private static boolean isDataFile(Path p) {
    String name = p.getName();
    return !name.startsWith("_") && !name.startsWith(".");
  }

  /**
   * The column names in a CSV file's header line (BOM stripped, blank names replaced by Spark's
   * {@code _c<i>}), or empty for an empty file. With {@code header: false} the names are
   * {@code _c0, _c1, ...} by the number of fields in the first line.
   */
  static Optional<List<String>> csvHeader(String file, Map<String, String> options, Configuration conf) {
    Path p = new Path(file);
    String line;
    try {
      FileSystem fs = p.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
      Charset charset = Charset.forName(option(options, "encoding", option(options, "charset", "UTF-8")));
      try (InputStream raw = fs.open(p);
           InputStream in = codec == null ? raw : codec.createInputStream(raw);
           BufferedReader reader = new BufferedReader(new InputStreamReader(in, charset))) {
        line = reader.readLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the header of " + file + ": " + e.getMessage(), e);
    }
    if (line == null) {
      return Optional.empty();
    }
    if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
      line = line.substring(1);
    }
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isBlank()) {
      return Optional.empty();
    }
    List<String> fields = splitCsvLine(line, delimiter(options), quote(options));
    boolean header = !"false".equalsIgnoreCase(option(options, "header", "true"));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      String name = header ? fields.get(i).trim() : "";
      names.add(name.isEmpty() ? "_c" + i : name);
    }
    return Optional.of(List.copyOf(names));
  }

  static String option(Map<String, String> options, String key, String fallback) {
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key) && e.getValue() != null) {
        return e.getValue();
      }
    }
    return fallback;
  }

  static String delimiter(Map<String, String> options) {
    String d = option(options, "sep", option(options, "delimiter", ","));
    return "\\t".equals(d) ? "\t" : d;
  }

  private static char quote(Map<String, String> options) {
    String q = option(options, "quote", "\"");
    return q.isEmpty() ? '\u0000' : q.charAt(0);
  }

  /** Splits one line on the delimiter outside quotes; a doubled quote inside quotes is a quote. */
  static List<String> splitCsvLine(String line, String delimiter, char quote) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean inQuotes = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (inQuotes) {
        if (c == quote && i + 1 < line.length() && line.charAt(i + 1) == quote) {
          field.append(quote);
          i += 2;
          continue;
        }
        if (c == quote) {
          inQuotes = false;
        } else {
          field.append(c);
        }
        i++;
      } else if (c == quote && quote != '\u0000') {
        inQuotes = true;
        i++;
      } else if (line.startsWith(delimiter, i)) {
        out.add(field.toString());
        field.setLength(0);
        i += delimiter.length();
      } else {
        field.append(c);
        i++;
      }
    }
    out.add(field.toString());
    return out;
  }
}
