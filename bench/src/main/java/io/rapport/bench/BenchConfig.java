package io.rapport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Rapport configuration the bench runs: the bundled settings pointed at a generated data set
 * ({@code rapport generate} layout), with its own warehouse and job repository. One place for
 * bench/run and the tests, so the reference pipeline is compared with the settings it mirrors
 * (UTC, USD, retention "on" by month, churn threshold 90 days, see bench/duckdb).
 *
 * <p>Usage: {@code BenchConfig <out.yaml> <data> <warehouse> <job-repository-file> [spark.key=value ...]}.
 */
public final class BenchConfig {
  private BenchConfig() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: BenchConfig <out.yaml> <data> <warehouse> <job-repository-file> [spark.key=value ...]");
      System.exit(2);
    }
    write(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
        Arrays.asList(args).subList(4, args.length));
  }

  public static Path write(Path file, Path data, Path warehouse, Path jobRepository) throws IOException {
    return write(file, data, warehouse, jobRepository, List.of());
  }

  /** Writes the configuration; {@code sparkConf} entries (key=value) go under {@code spark:}. */
  public static Path write(Path file, Path data, Path warehouse, Path jobRepository, List<String> sparkConf)
      throws IOException {
    String d = data.toAbsolutePath().toString();
    StringBuilder yaml = new StringBuilder("""
        # Written by the bench (io.rapport.bench.BenchConfig): generated data in %s.
        warehouse: %s
        reporting: {time-zone: UTC, currency: USD, week-start: MONDAY}
        sources:
          purchases:
            path: %s/purchases/*/*.csv
            format: csv
            required: true
            options: {header: "true", delimiter: ",", multiLine: "true", escape: "\\""}
            time-zone: UTC
            columns: {}
            defaults: {currency: USD}
            max-reject-rate: 0.05
          surveys:
            path: %s/surveys/*/*.csv
            format: csv
            options: {header: "true", multiLine: "true", escape: "\\""}
            time-zone: UTC
            timestamp-format: "yyyy-MM-dd HH:mm:ss"
            max-reject-rate: 0.05
          reviews:
            path: %s/reviews/*/*.csv
            format: csv
            options: {header: "true", multiLine: "true", escape: "\\""}
            time-zone: UTC
            timestamp-format: "yyyy-MM-dd HH:mm:ss"
            max-reject-rate: 0.05
          fx-rates: {path: %s/fx-rates/rates.csv, format: csv}
        retention: {mode: "on", grain: month}
        churn: {threshold-days: 90, risk-bands: [0.3, 0.7]}
        clv: {time-unit-days: 7, horizon-months: 12, monthly-discount-rate: 0.01}
        job-repository: {url: "jdbc:h2:file:%s"}
        """.formatted(d, warehouse.toAbsolutePath(), d, d, d, d, jobRepository.toAbsolutePath()));
    if (!sparkConf.isEmpty()) {
      yaml.append("spark:\n");
      for (String kv : sparkConf) {
        int eq = kv.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("spark setting needs key=value, got " + kv);
        }
        yaml.append("  ").append(kv, 0, eq).append(": \"").append(kv.substring(eq + 1).replace("\"", "\\\"")).append("\"\n");
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, yaml.toString());
    return file;
  }
}
