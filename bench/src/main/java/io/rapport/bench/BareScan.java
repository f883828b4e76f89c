package io.rapport.bench;

import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.jobs.SparkSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark floor: one Spark job per CSV source of a configuration that reads every file once
 * with the reader options staging uses (header, multiLine, RFC 4180 escape, PERMISSIVE with a
 * corrupt-record column, every column a string, file name and row order attached) and parses every
 * field, writing nothing ({@code noop} sink). Any Spark job over these inputs pays at least this.
 *
 * <p>Usage: {@code BareScan <config.yaml>}. Prints one line per source and a last line
 * {@code bare_scan_s=<seconds>}; the time excludes JVM start and Spark session creation.
 */
public final class BareScan {
  private BareScan() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BareScan <config.yaml>");
      System.exit(2);
    }
    RapportSettings settings = SettingsLoader.load(Path.of(args[0])).settings();
    SparkSession spark = SparkSessions.create(settings, "rapport-bare-scan");
    RapportSettings.Sources s = settings.sources();
    Map<String, RapportSettings.Source> sources = new LinkedHashMap<>();
    sources.put("purchases", s.purchases());
    sources.put("surveys", s.surveys());
    sources.put("reviews", s.reviews());
    sources.put("fx-rates", s.fxRates());
    long start = System.nanoTime();
    for (Map.Entry<String, RapportSettings.Source> e : sources.entrySet()) {
      RapportSettings.Source source = e.getValue();
      if (source == null || source.path() == null) {
        continue;
      }
      long t0 = System.nanoTime();
      long files = scan(spark, source);
      System.out.printf(Locale.ROOT, "source=%s files=%d seconds=%.3f%n", e.getKey(), files, (System.nanoTime() - t0) / 1e9);
    }
    System.out.printf(Locale.ROOT, "bare_scan_s=%.3f%n", (System.nanoTime() - start) / 1e9);
    spark.stop();
  }

  /** Reads and parses every row of one CSV source; returns the number of files read (rows are in the manifest). */
  static long scan(SparkSession spark, RapportSettings.Source source) throws IOException {
    if (source.format() != io.rapport.config.SourceFormat.CSV) {
      throw new IllegalArgumentException("BareScan reads csv sources only, not " + source.format());
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> files = files(source.path(), conf);
    Map<String, String> options = new HashMap<>();
    options.put("header", "true");
    options.put("multiLine", "true");
    options.put("escape", "\"");
    if (source.options() != null) {
      options.putAll(source.options());
    }
    String delimiter = options.getOrDefault("delimiter", options.getOrDefault("sep", ","));
    StructType schema = new StructType();
    for (String column : header(files.get(0), conf).split(Pattern.quote(delimiter), -1)) {
      schema = schema.add(column.trim(), DataTypes.StringType, true);
    }
    schema = schema.add("_corrupt_record", DataTypes.StringType, true);
    Dataset<Row> df = spark.read().options(options)
        .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt_record")
        .schema(schema)
        .csv(files.toArray(String[]::new))
        .withColumn("_source_file", input_file_name())
        .withColumn("_row_order", monotonically_increasing_id());
    // noop keeps every column, so the parser converts every field of every row.
    df.write().format("noop").mode("overwrite").save();
    return files.size();
  }

  private static List<String> files(String path, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path pattern = new org.apache.hadoop.fs.Path(path);
    FileSystem fs = pattern.getFileSystem(conf);
    FileStatus[] matches = fs.globStatus(pattern);
    TreeSet<String> out = new TreeSet<>();
    if (matches != null) {
      for (FileStatus f : matches) {
        if (f.isFile() && !f.getPath().getName().startsWith("_") && !f.getPath().getName().startsWith(".")) {
          out.add(f.getPath().toString());
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no file matches " + path);
    }
    return new ArrayList<>(out);
  }

  private static String header(String file, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8))) {
      String line = r.readLine();
      return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
  }
}
