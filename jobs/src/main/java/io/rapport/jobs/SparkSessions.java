package io.rapport.jobs;

import io.rapport.config.RapportSettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one Spark session of a process. Under spark-submit the master and resources come
 * from spark-submit; run directly (bin/rapport) it is local Spark on all cores, bound to
 * 127.0.0.1 with the UI off. Entries under {@code spark:} in the configuration are applied last.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(RapportSettings settings, String appName) {
    SparkConf conf = new SparkConf();
    boolean local = !conf.contains("spark.master");
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (local) {
      builder.master("local[*]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "8");
    }
    // Results must not depend on the machine's zone: instants are UTC, calendars use the
    // reporting zone explicitly.
    builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic");
    for (Map.Entry<String, String> entry : settings.spark().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    SparkSession spark = builder.getOrCreate();
    if (local) {
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }
}
