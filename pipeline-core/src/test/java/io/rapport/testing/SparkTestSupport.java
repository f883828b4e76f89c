package io.rapport.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One shared local Spark session per test class: local[2], UI off, 2 shuffle partitions, UTC.
 * Extend it and use {@link #spark}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SparkTestSupport {
  protected SparkSession spark;

  @BeforeAll
  void startSpark() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName(getClass().getSimpleName())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  @AfterAll
  void stopSpark() {
    // The session is shared by the whole JVM (getOrCreate); leave it running for the next class.
  }
}
